from __future__ import annotations

from typing import Any

ERROR_COMPONENT = {
    "type": "object",
    "required": ["type", "detail", "errors"],
    "properties": {
        "type": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
}
ERROR_STATUSES = {
    "400": "Invalid input: the field errors say what to fix.",
    "401": "Not authenticated.",
    "403": "Not allowed for your role or organisation.",
    "404": "No such object, or not visible to you.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "413": "Request body too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests; retry later.",
}
# Answered by the web server (gunicorn) before Django sees the request, so not in our format.
SERVER_STATUSES = {
    "414": "Request line (path and query string) longer than the web server accepts.",
}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Document the shared error body on every operation, so clients (and schemathesis)
    can rely on it."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_COMPONENT
    ref = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, text in ERROR_STATUSES.items():
                operation["responses"].setdefault(
                    code, {"description": text, "content": {"application/json": {"schema": ref}}}
                )
            for code, text in SERVER_STATUSES.items():
                operation["responses"].setdefault(
                    code,
                    {"description": text, "content": {"text/html": {"schema": {"type": "string"}}}},
                )
    return result
