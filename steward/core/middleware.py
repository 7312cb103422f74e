from __future__ import annotations

import re
import uuid
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation

from steward.core import configcache
from steward.core.context import Origin, change_context

Middleware = Callable[[HttpRequest], HttpResponse]
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes a sane X-Request-ID from the caller or makes one, and returns it."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class BodySizeLimitMiddleware:
    """Answers 413 before reading a body larger than the configured limit."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_UPLOAD_BYTES
        if length > limit:
            return JsonResponse(
                {
                    "type": "request_too_large",
                    "detail": f"Request body over {limit} bytes.",
                    "errors": {},
                },
                status=413,
            )
        return self.get_response(request)


class UserPreferencesMiddleware:
    """Shows times in the viewer's zone and text in the viewer's language."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ChangeContextMiddleware:
    """Every write made while serving a request is audited as web or API, with its request id."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = Origin.API if request.path.startswith("/api/") else Origin.WEB
        with change_context(
            origin=origin,
            request=request,
            request_id=getattr(request, "request_id", None),
            remote_addr=request.META.get("REMOTE_ADDR"),
        ):
            return self.get_response(request)


class ConfigCacheMiddleware:
    """One read of the shared configuration generation per request (see ``configcache``)."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with configcache.scope():
            return self.get_response(request)
