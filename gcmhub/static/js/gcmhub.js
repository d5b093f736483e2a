// Progressive enhancement only: every page works without JavaScript.
// Move focus to content swapped in by htmx so keyboard and screen-reader users land on it.
document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target.querySelector("[data-focus-after-swap]") || null;
    if (target) {
        target.setAttribute("tabindex", "-1");
        target.focus();
    }
});
// Send the CSRF token with htmx requests.
document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
        event.detail.headers["X-CSRFToken"] = token.value;
    }
});
