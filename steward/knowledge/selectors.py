"""Reads of the knowledge base, for this app's pages and API and for other apps (the portal's
suggestions, the agent workspace's linked articles). Everything goes through
``readable_articles``, the one place that knows who reads what."""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from steward.core import permissions
from steward.core.permissions import MANAGERS
from steward.knowledge import fts
from steward.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleStatus,
    ArticleTicketLink,
    ArticleVersion,
    Visibility,
)

LIST_RELATED = ("category", "owner")
MAX_LIMIT = 50


def readable_articles(user: Any) -> QuerySet[Article]:
    """Articles ``user`` may read. Anonymous visitors read published public articles (the
    permission module has no anonymous role); everyone else through ``restrict``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Article.objects.filter(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    return permissions.restrict(Article.objects.all(), user, "view")


def article_list(user: Any) -> QuerySet[Article]:
    return readable_articles(user).select_related(*LIST_RELATED)


def article_get(user: Any, pk: Any) -> Article | None:
    try:
        return article_list(user).select_related("reviewer", "source_ticket").get(pk=pk)
    except (Article.DoesNotExist, ValueError, TypeError):
        return None


def article_get_by_slug(user: Any, slug: str) -> Article | None:
    return (
        article_list(user)
        .select_related("reviewer", "source_ticket")
        .filter(slug=str(slug)[:220])
        .first()
    )


def _limit(limit: Any, default: int) -> int:
    try:
        return max(1, min(int(limit), MAX_LIMIT))
    except (TypeError, ValueError):
        return default


def article_search(
    user: Any, query: str, limit: int = 20, *, published_only: bool = False
) -> list[Article]:
    """Articles matching ``query`` that ``user`` may read, best first (a title match beats a
    keyword match beats a body match). Each carries ``score``."""
    words = fts.terms(query)
    if not words:
        return []
    base = article_list(user)
    if published_only:
        base = base.filter(status=ArticleStatus.PUBLISHED)
    n = _limit(limit, 20)
    found = list(fts.ranked(base, words)[:n])
    if not found and len(words) > 1:
        found = list(fts.ranked(base, words, any_word=True)[:n])
    return found


def article_suggest(user: Any, text: str, limit: int = 5) -> list[Article]:
    """Published articles for what someone is typing (the portal's "report an issue")."""
    return article_search(user, text[:300], _limit(limit, 5), published_only=True)


def search_ids(user: Any, query: str, *, published_only: bool = False) -> QuerySet[Article]:
    """A ranked queryset (for filters that need to keep paginating)."""
    words = fts.terms(query)
    base = article_list(user)
    if published_only:
        base = base.filter(status=ArticleStatus.PUBLISHED)
    return fts.ranked(base, words) if words else base.none()


def review_queue(user: Any) -> QuerySet[Article]:
    """Submitted articles ``user`` may review: IT managers every one, an agent those naming
    them as reviewer; never one they submitted."""
    if not permissions.has_role(user, "admin", "it_manager", "agent"):
        return Article.objects.none()
    qs = article_list(user).filter(status=ArticleStatus.REVIEW).exclude(submitted_by=user)
    if not permissions.has_role(user, *MANAGERS):
        qs = qs.filter(reviewer=user)
    return qs.select_related("submitted_by", "reviewer").order_by("updated_at", "pk")


def versions_of(article: Article) -> QuerySet[ArticleVersion]:
    return ArticleVersion.objects.filter(article=article).select_related("author")


def version_diff(version: ArticleVersion, article: Article) -> list[tuple[str, str]]:
    """Lines of a diff from ``version`` to the current text, as (kind, text) with kind one of
    ``add``, ``del``, ``ctx``, ``hunk``."""

    def text(title: str, summary: str, body: str) -> list[str]:
        return [f"# {title}", "", summary, "", *body.splitlines()]

    old = text(version.title, version.summary, version.body)
    new = text(article.title, article.summary, article.body)
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(old, new, lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            start = re.search(r"\+(\d+)", line)
            n = int(start.group(1)) if start else 1
            lines.append(("hunk", _("Line %(n)s") % {"n": n}))
        elif line.startswith("+"):
            lines.append(("add", line[1:]))
        elif line.startswith("-"):
            lines.append(("del", line[1:]))
        else:
            lines.append(("ctx", line[1:]))
    return lines


def articles_for_ticket(user: Any, ticket_id: Any) -> list[Article]:
    """Articles linked to a ticket as having helped (for the agent workspace)."""
    links = ArticleTicketLink.objects.filter(
        ticket_id=ticket_id, article__in=readable_articles(user)
    ).select_related("article")
    return [link.article for link in links]


def category_list(user: Any) -> QuerySet[ArticleCategory]:
    return permissions.restrict(ArticleCategory.objects.select_related("parent"), user)


def my_review_count(user: Any) -> int | None:
    """The dashboard card's figure, or None for people who never review."""
    if not permissions.has_role(user, "admin", "it_manager", "agent"):
        return None
    return review_queue(user).count()
