"""The API documentation page: Swagger UI served from our own static files, never a CDN."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

SWAGGER_UI_VERSION = "5.35.0"


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        context = {
            "api": api,
            "openapi_url": self.get_openapi_url(api, kwargs),
            "swagger_ui_version": SWAGGER_UI_VERSION,
        }
        return render(request, "api/docs.html", context)
