"""What the knowledge base registers with the platform: menu, global search, the dashboard
card, notification kinds and the demo loader."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from steward.core import registry
    from steward.knowledge import demo
    from steward.knowledge.models import Article, ArticleVersion
    from steward.notifications.services import event_register

    section = _("Knowledge")
    registry.register_menu(
        section, _("Articles"), "knowledge:article_list", model=Article, section_order=35
    )
    # The review queue and categories are staff pages: ArticleVersion's policy (staff only)
    # decides who sees them in the menu.
    registry.register_menu(
        section,
        _("Review queue"),
        "knowledge:review_queue",
        model=ArticleVersion,
        section_order=35,
    )
    registry.register_menu(
        section,
        _("Categories"),
        "knowledge:articlecategory_list",
        model=ArticleVersion,
        section_order=35,
    )
    registry.register_search(
        Article, fields=("title", "summary", "keywords"), url_name="knowledge:article_detail"
    )
    registry.register_card(
        registry.DashboardCard(
            _("Articles waiting for my review"),
            _review_count,
            "knowledge:review_queue",
            order=40,
        )
    )
    event_register(
        "knowledge.review_requested",
        _("An article waits for my review"),
        _("Someone submitted an article that names you as its reviewer."),
    )
    event_register(
        "knowledge.article_published",
        _("My article was published"),
        _("A reviewer published an article you submitted."),
    )
    event_register(
        "knowledge.article_returned",
        _("My article was returned to draft"),
        _("A reviewer sent an article you submitted back, usually with a comment."),
    )
    registry.register_demo("knowledge", demo.load, order=40)


def _review_count(user: Any) -> int | None:
    from steward.knowledge.selectors import my_review_count

    return my_review_count(user)
