"""One error format for every 4xx: {"error": {"code", "message", "fields"}}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from servicedesk.core.errors import NOT_FOUND_MESSAGE, ServiceError


def error_response(
    status: int, code: str, message: str, fields: dict | None = None, headers=None
) -> Response:
    return Response(
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
        headers=headers,
    )


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list):
                out[key] = [str(v) if not isinstance(v, dict) else str(_flatten(v)) for v in value]
            else:
                out[key] = [str(value)]
        return out
    return {}


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return error_response(exc.status, exc.code, exc.message, exc.fields)
    if isinstance(exc, Http404):
        return error_response(404, "not_found", NOT_FOUND_MESSAGE)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            _flatten(exc.detail)
            if isinstance(exc.detail, dict)
            else {"non_field_errors": [str(d) for d in exc.detail]}
        )
        first = next(iter(fields.items()), None)
        message = f"{first[0]}: {first[1][0]}" if first else "Invalid input."
        response.data = {
            "error": {"code": "validation_error", "message": message, "fields": fields}
        }
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"error": {"code": str(code), "message": str(detail), "fields": {}}}
    return response
