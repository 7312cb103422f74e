from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from steward.core import permissions

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RestrictedPermission(BasePermission):
    """Role check per model and action; rows are narrowed by ``restrict`` in get_queryset."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return True
        action = getattr(view, "required_action", None) or METHOD_ACTIONS.get(
            request.method or "", "view"
        )
        return permissions.can(request.user, action, model)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        action = METHOD_ACTIONS.get(request.method or "", "view")
        return action == "view" or permissions.can(request.user, action, obj)
