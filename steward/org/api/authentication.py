"""API token authentication that brings the login's directory person with it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from steward.core.compiled import Compiled


def _token_with_login_and_person(key: str) -> Any:
    from rest_framework.authtoken.models import Token

    return Token.objects.select_related("user", "user__person").filter(key=key)


# Every API request reads it: compiled once (steward/core/compiled.py).
_TOKEN: Compiled[Any] = Compiled(_token_with_login_and_person, "marker: a token key")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, with the login's person (``user.person``, or none) read
    in the same query: nearly every write through the API asks who the actor is in the
    directory (the author of a ticket's lines, an approver, a watcher), which was one more
    query per request."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        model = self.get_model()
        try:
            token = _TOKEN.get(key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
