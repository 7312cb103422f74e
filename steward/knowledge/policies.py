"""Who reads and writes the knowledge base.

- IT staff (administrators, IT managers, agents, asset managers) read every article in every
  state.
- Employees read published articles meant for employees or the public.
- Customer contacts read published public articles (articles belong to no tenant: ``SHARED``).
- Anonymous visitors read published public articles through ``selectors.readable_articles``;
  the permission module knows no anonymous role.
- Agents and IT managers write (create, edit, submit, retire, link to tickets). Publishing a
  submitted article is a review: IT managers and administrators, or the article's designated
  reviewer, and never the person who submitted it (see ``services.ensure_can_review``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from steward.core import permissions
from steward.core.permissions import EVERYONE, MANAGERS, SHARED, STAFF, Policy, Role

WRITERS = MANAGERS | {Role.AGENT}
REVIEWERS = WRITERS
"""Roles that may review at all; an agent reviews only articles naming them as reviewer."""


def article_scope(
    user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]
) -> QuerySet[Any]:
    if roles & STAFF:
        return qs
    from steward.knowledge.models import ArticleStatus, Visibility

    readable = qs.filter(status=ArticleStatus.PUBLISHED)
    if Role.EMPLOYEE in roles:
        return readable.filter(visibility__in=(Visibility.EMPLOYEES, Visibility.PUBLIC))
    return readable.filter(visibility=Visibility.PUBLIC)


def category_scope(
    user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]
) -> QuerySet[Any]:
    return qs


def register() -> None:
    from steward.knowledge import models as m

    permissions.register(
        m.Article,
        Policy(
            view=EVERYONE,
            add=WRITERS,
            change=WRITERS,
            delete=MANAGERS,
            tenant_field=SHARED,
            scope=article_scope,
            extra={"review": REVIEWERS, "link": WRITERS, "retire": WRITERS},
        ),
    )
    permissions.register(
        m.ArticleCategory,
        Policy(
            view=EVERYONE,
            add=MANAGERS,
            change=MANAGERS,
            delete=MANAGERS,
            tenant_field=SHARED,
            scope=category_scope,
        ),
    )
    # Versions, votes and ticket links are written only by the services (which check the
    # article); the generic add and edit pages do not exist for them.
    nobody: frozenset[str] = frozenset()
    permissions.register(
        m.ArticleVersion, Policy(view=STAFF, add=nobody, change=nobody, delete=nobody)
    )
    permissions.register(
        m.ArticleFeedback, Policy(view=STAFF, add=nobody, change=nobody, delete=MANAGERS)
    )
    permissions.register(
        m.ArticleTicketLink, Policy(view=STAFF, add=nobody, change=nobody, delete=WRITERS)
    )
