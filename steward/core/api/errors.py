"""One error format for the whole API:

``{"type": "validation_error", "detail": "...", "errors": {"field": ["message"]}}``
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler


def _flatten(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {str(k): v for k, v in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {"non_field_errors": [detail]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "type": "validation_error",
            "detail": "The request has invalid fields.",
            "errors": _flatten(response.data),
        }
    else:
        code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
        message = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        body = {"type": str(code), "detail": str(message), "errors": {}}
    response.data = body
    if response.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        response.data["type"] = "method_not_allowed"
    return response
