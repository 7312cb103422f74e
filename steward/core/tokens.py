"""API tokens: each user creates, rotates and revokes their own; the CLI prints one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token


def has_token(user: Any) -> bool:
    return Token.objects.filter(user=user).exists()


@transaction.atomic
def token_rotate(*, user: Any) -> str:
    Token.objects.filter(user=user).delete()
    return str(Token.objects.create(user=user).key)


@transaction.atomic
def token_revoke(*, user: Any) -> None:
    Token.objects.filter(user=user).delete()
