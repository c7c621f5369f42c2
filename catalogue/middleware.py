"""Cache-Control on every API answer to a GET (ETags come from ConditionalGetMiddleware)."""

API_PREFIX = "/api/"


class ApiCacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in {"GET", "HEAD"} and request.path.startswith(API_PREFIX):
            if response.status_code < 400:
                response.setdefault("Cache-Control", "public, max-age=60")
            else:
                response.setdefault("Cache-Control", "no-cache")
        return response
