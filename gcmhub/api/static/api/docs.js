// Start Swagger UI on the API documentation page. No remote validator: nothing leaves the site.
const container = document.getElementById("swagger-ui");
if (container && window.SwaggerUIBundle) {
  window.SwaggerUIBundle({
    url: container.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
  });
}
