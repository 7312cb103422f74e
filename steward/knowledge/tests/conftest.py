from __future__ import annotations

import pytest

from steward.core.permissions import Role


@pytest.fixture
def kb(org_world, make_user):
    """org_world plus a second agent and helpers to write articles in any state."""
    from steward.knowledge import services
    from steward.knowledge.models import ArticleCategory, Visibility

    users = dict(org_world["users"])
    users["agent2"] = make_user(Role.AGENT, username="agent2")
    network = ArticleCategory.objects.create(name="Network")
    vpn = ArticleCategory.objects.create(name="VPN", parent=network)

    def article(
        title="Connect to the VPN",
        *,
        body="Open the VPN client and sign in.",
        status="draft",
        visibility=Visibility.EMPLOYEES,
        author=None,
        **data,
    ):
        author = author or users[Role.AGENT]
        a = services.article_create(
            actor=author,
            data={"title": title, "body": body, "visibility": visibility, **data},
        )
        if status in ("review", "published"):
            a = services.article_submit_for_review(article=a, actor=author)
        if status == "published":
            a = services.article_publish(article=a, actor=users[Role.IT_MANAGER])
        if status == "retired":
            a = services.article_retire(article=a, actor=author)
        return a

    return {**org_world, "users": users, "article": article, "network": network, "vpn": vpn}
