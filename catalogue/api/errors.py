"""Every API error is JSON: {"detail": "...", "errors": {"parameter": ["what was wrong"]}}."""

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


class InvalidParameters(exceptions.ValidationError):
    """400 naming each bad query parameter."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__({"detail": "Invalid query parameters.", "errors": errors})


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "errors" in response.data:
        response.data["detail"] = str(
            response.data["detail"][0]
            if isinstance(response.data["detail"], list)
            else response.data["detail"]
        )
        response.data["errors"] = {
            name: [str(message) for message in messages]
            for name, messages in response.data["errors"].items()
        }
    return response


def json_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)
