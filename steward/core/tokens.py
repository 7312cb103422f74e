"""API tokens: each user creates, rotates and revokes their own; the CLI prints one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from steward.core import audit


def has_token(user: Any) -> bool:
    return Token.objects.filter(user=user).exists()


@transaction.atomic
def token_rotate(*, user: Any) -> str:
    had = Token.objects.filter(user=user).delete()[0] > 0
    key = str(Token.objects.create(user=user).key)
    audit.record(
        user,
        before={"api_token": "set" if had else "none"},
        after={"api_token": "replaced" if had else "created"},
    )
    return key


@transaction.atomic
def token_revoke(*, user: Any) -> None:
    if Token.objects.filter(user=user).delete()[0]:
        audit.record(user, before={"api_token": "set"}, after={"api_token": "revoked"})
