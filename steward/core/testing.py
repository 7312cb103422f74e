"""Helpers for tests of every app: users with roles, API clients, query budgets."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.models import User
from steward.core.planner import STATEMENTS as PLANNER_SETTINGS

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test-only password


def make_user(*roles: str, username: str | None = None, **fields: Any) -> User:
    name = username or f"user{next(_counter)}"
    user = User(username=name, email=fields.pop("email", f"{name}@example.org"), **fields)
    user.set_password(PASSWORD)
    user.save()
    if roles:
        user.groups.set([Group.objects.get_or_create(name=r)[0] for r in roles])
    return user


@contextmanager
def query_budget(limit: int) -> Any:
    """Fails when the block runs more than ``limit`` queries (catches N+1). The planner
    settings around a read (``core.planner``) are not queries of rows: not counted."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    count = sum(q["sql"] not in PLANNER_SETTINGS for q in ctx.captured_queries)
    if count > limit:
        lines = "\n".join(q["sql"][:200] for q in ctx.captured_queries)
        raise AssertionError(f"{count} queries, budget {limit}:\n{lines}")
