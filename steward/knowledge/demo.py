"""The demo knowledge base: about forty IT articles in categories, mostly published, a few
drafts, one in review and one retired, with earlier versions and readers' votes. Written
through the services by the demo agent and reviewed by the demo IT manager. Fixed seed;
loads once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from steward.knowledge import selectors, services
from steward.knowledge.demo_articles import (
    ARTICLES,
    CATEGORIES,
    DRAFTS,
    EDITS,
    IN_REVIEW,
    RETIRED,
)
from steward.knowledge.models import Article, ArticleCategory, Visibility


def _categories() -> dict[str, ArticleCategory]:
    found: dict[str, ArticleCategory] = {}
    for order, (name, parent, description) in enumerate(CATEGORIES):
        found[name] = ArticleCategory.objects.create(
            name=name,
            parent=found.get(parent) if parent else None,
            description=description,
            order=(order + 1) * 10,
        )
    return found


def _write(row: tuple[Any, ...], categories: dict[str, ArticleCategory], agent: Any) -> Article:
    category, title, visibility, keywords, summary, body = row
    earlier = EDITS.get(title)
    first = body.rsplit("\n\n", 1)[0] if earlier and "\n\n" in body else body
    article = services.article_create(
        actor=agent,
        data={
            "title": title,
            "summary": summary,
            "body": first,
            "category": categories[category],
            "visibility": visibility,
            "keywords": keywords,
        },
    )
    if earlier and first != body:
        article = services.article_update(
            article=article, actor=agent, data={"body": body}, note=earlier
        )
    return article


def _votes(article: Article, rng: Any, readers: list[Any]) -> None:
    for user in readers:
        may_read = selectors.readable_articles(user).filter(pk=article.pk).exists()
        if may_read and rng.random() < 0.6:
            services.feedback_record(article=article, user=user, helpful=rng.random() < 0.85)
    if article.visibility == Visibility.PUBLIC:
        for _ in range(rng.randint(3, 25)):
            services.feedback_record(
                article=article,
                user=AnonymousUser(),
                session_key=f"demo{rng.getrandbits(64):016x}",
                helpful=rng.random() < 0.8,
                comment=rng.choice(["", "", "", "Clear steps, thanks.", "Worked for me."]),
            )


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    if Article.objects.exists():
        log("knowledge base already loaded")
        return
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["agent", "manager", "employee", "admin"]
    )}  # fmt: skip
    agent, manager = users.get("agent"), users.get("manager")
    if agent is None or manager is None:
        log("no demo agent and manager logins; knowledge base skipped")
        return
    categories = _categories()
    readers = [u for name, u in sorted(users.items()) if name != "agent"]
    now = timezone.now()
    for row in ARTICLES:
        article = _write(row, categories, agent)
        services.article_submit_for_review(article=article, actor=agent)
        article = services.article_publish(article=article, actor=manager)
        _votes(article, rng, readers)
        published = now - datetime.timedelta(days=rng.randint(3, 180), minutes=rng.randint(0, 900))
        # Demo history: spread publication dates and reads over the past months.
        Article._base_manager.filter(pk=article.pk).update(
            published_at=published, view_count=rng.randint(15, 2400)
        )
    for row in DRAFTS:
        _write(row, categories, agent)
    services.article_submit_for_review(article=_write(IN_REVIEW, categories, agent), actor=agent)
    retired = _write(RETIRED, categories, agent)
    services.article_submit_for_review(article=retired, actor=agent)
    services.article_publish(article=retired, actor=manager)
    services.article_retire(article=retired, actor=manager)
    log(
        f"{Article.objects.count()} articles in {len(categories)} categories "
        f"({len(ARTICLES)} published, {len(DRAFTS)} drafts, 1 in review, 1 retired)"
    )
