"""``/inventory/``: the HTTP side of the FusionInventory and OCS Inventory protocols.

Agents authenticate with an inventory token as the password of HTTP basic authentication
(both agents answer a ``401`` challenge with their ``--user``/``--password``; OCS needs
``--realm`` set to ``REALM`` and base64-encoded credentials), or with ``?token=`` in the
URL for tools that cannot authenticate (``fusioninventory-injector``). A request without
credentials gets the challenge and is not recorded; a wrong token is recorded (without its
body) and refused. The reply is compressed the way the request was (OCS insists on zlib).
"""

from __future__ import annotations

import base64
import binascii
import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from steward.cmdb.discovery import protocol, services
from steward.cmdb.discovery.protocol import PLAIN, ProtocolError
from steward.core.context import Origin, change_context

log = logging.getLogger(__name__)
REALM = "Steward inventory"
PROLOG_FREQ = 24
CONTENT_TYPES = {
    protocol.ZLIB: "application/x-compress-zlib",
    protocol.GZIP: "application/x-gzip",
    protocol.PLAIN: "application/xml",
}


def _reply(fields: dict[str, object], kind: str = PLAIN, status: int = 200) -> HttpResponse:
    body = protocol.compress(protocol.reply(fields), kind)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[kind])


def _error(code: str, message: str, status: int, kind: str = PLAIN) -> HttpResponse:
    response = _reply({"ERROR": code, "MESSAGE": message}, kind, status)
    response["X-Steward-Reason"] = code
    return response


def _challenge(message: str) -> HttpResponse:
    response = _error("unauthenticated", message, 401)
    response["WWW-Authenticate"] = f'Basic realm="{REALM}"'
    return response


def _secret(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    token = request.GET.get("token")
    return token if token is not None else None


def _length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _request(request: HttpRequest, body: bytes, size: int) -> services.Request:
    return services.Request(
        body=body,
        size=size,
        content_type=request.META.get("CONTENT_TYPE", ""),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        remote_addr=request.META.get("REMOTE_ADDR"),
    )


@csrf_exempt
def inventory(request: HttpRequest) -> HttpResponse:
    with change_context(
        origin=Origin.SYSTEM,
        request_id=getattr(request, "request_id", None),
        remote_addr=request.META.get("REMOTE_ADDR"),
    ):
        return _serve(request)


def _serve(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        response = _error("method", "Use POST (or GET for getConfig).", 405)
        response["Allow"] = "GET, POST"
        return response
    secret = _secret(request)
    if secret is None:
        return _challenge("Send an inventory token (HTTP basic password or ?token=).")
    size = _length(request)
    token = services.token_authenticate(secret)
    if token is None:
        services.quarantine(
            _request(request, b"", size), code="bad_token", reason="Unknown or revoked token."
        )
        return _challenge("Unknown or revoked token.")
    if request.method == "GET":
        if request.GET.get("action") == "getConfig":
            return JsonResponse({})
        return _error("bad_request", "Only action=getConfig is answered to GET.", 400)
    if size > services.max_bytes():
        held = _request(request, request.read(services.keep_bytes()), size)
        held.token = token
        services.quarantine(
            held, code="too_large", reason=f"Body of {size} bytes over {services.max_bytes()}."
        )
        return _error("too_large", f"Body over {services.max_bytes()} bytes.", 413)
    held = _request(request, request.body, size or len(request.body))
    held.token = token
    try:
        message = services.read_message(held)
        if token.deviceid and message.deviceid != token.deviceid:
            raise _refuse(held, "wrong_agent", "This token belongs to another agent.", 403)
        if message.query == "PROLOG":
            services.contact(held, message)
            return _reply({"PROLOG_FREQ": PROLOG_FREQ, "RESPONSE": "SEND"}, message.compression)
        if message.query != "INVENTORY":
            raise _refuse(held, "unsupported_query", f"Query {message.query} is not served.")
        outcome = services.take_inventory(held, message)
    except ProtocolError as exc:
        return _error(exc.code, exc.message, exc.status)
    log.info("inventory %s from %s: %s", message.deviceid, held.remote_addr, outcome.status)
    response = _reply({"RESPONSE": "no_account_update"}, message.compression)
    response["X-Steward-Outcome"] = outcome.status
    return response


def _refuse(held: services.Request, code: str, reason: str, status: int = 400) -> ProtocolError:
    services.quarantine(held, code=code, reason=reason)
    return ProtocolError(code, reason, status)


urlpatterns = [path("", inventory, name="inventory")]
