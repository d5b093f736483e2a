"""Every error under /api/ is the API's JSON error object, whoever answered it.

Endpoints answer JSON errors themselves (`gcmhub.api.errors`). A few answers come from outside
them: Django's CSRF or body-size refusals, a body-size cap or throttle middleware, the server error
page. This middleware, placed first in MIDDLEWARE so it sees every other one's answer, rewrites
those into `{"detail": ...}` with the same status and headers, so an API client never parses HTML.
"""

from django.http import HttpRequest, HttpResponse

from gcmhub.api.errors import error_response, status_detail

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Content-Language", "Vary")


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            json_response = error_response(response.status_code, status_detail(response.status_code))
            for header in KEPT_HEADERS:
                if header in response:
                    json_response[header] = response[header]
            # Not `response.close()`: it would send `request_finished` in the middle of the request
            # (closing the database connection). The replaced answer holds no open resource.
            return json_response
        return response
