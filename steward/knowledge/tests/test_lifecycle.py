"""Article lifecycle: draft → review → published → retired, and who may move it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from steward.core import events
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.knowledge import services
from steward.knowledge.models import Article, ArticleStatus


@pytest.fixture
def published_events(monkeypatch):
    seen = []
    monkeypatch.setattr(events, "publish", lambda name, **p: seen.append((name, p)))
    return seen


def test_new_article_is_a_draft_at_version_one_owned_by_its_author(kb):
    agent = kb["users"][Role.AGENT]
    article = kb["article"]("Map a network printer", body="Open **Settings**.")
    assert article.status == ArticleStatus.DRAFT
    assert article.version == 1
    assert article.slug == "map-a-network-printer"
    assert article.owner.user == agent
    assert list(article.versions.values_list("number", "title")) == [(1, "Map a network printer")]
    assert AuditEntry.objects.filter(object_id=str(article.pk), action="create").exists()


def test_slugs_stay_unique_and_never_all_digits(kb):
    first = kb["article"]("Reset your password")
    second = kb["article"]("Reset your password")
    digits = kb["article"]("2024")
    assert (first.slug, second.slug) == ("reset-your-password", "reset-your-password-2")
    assert digits.slug == "article-2024"


def test_submit_and_publish_by_a_manager_sets_published_at_and_announces_it(kb, published_events):
    article = kb["article"]()
    services.article_submit_for_review(article=article, actor=kb["users"][Role.AGENT])
    article = services.article_publish(article=article, actor=kb["users"][Role.IT_MANAGER])
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at is not None
    changes = [p for n, p in published_events if n == "knowledge.article_status_changed"]
    assert [(c["old"], c["new"]) for c in changes] == [("draft", "review"), ("review", "published")]


@pytest.mark.parametrize(
    ("start", "move"),
    [
        ("draft", "publish"),
        ("published", "submit"),
        ("retired", "publish"),
        ("retired", "submit"),
        ("draft", "reopen"),
        ("published", "reopen"),
    ],
)
def test_forbidden_transitions_are_rejected_with_a_status_error(kb, start, move):
    article = kb["article"](status=start)
    manager = kb["users"][Role.IT_MANAGER]
    call = {
        "publish": lambda: services.article_publish(article=article, actor=manager),
        "submit": lambda: services.article_submit_for_review(article=article, actor=manager),
        "reopen": lambda: services.article_reopen(article=article, actor=manager),
    }[move]
    with pytest.raises(ValidationError) as exc:
        call()
    assert "status" in exc.value.message_dict
    assert Article.objects.get(pk=article.pk).status == start


def test_nobody_publishes_what_they_submitted_themselves(kb):
    manager = kb["users"][Role.IT_MANAGER]
    article = kb["article"](author=manager, status="review")
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, actor=manager)
    services.article_publish(article=article, actor=kb["users"][Role.ADMIN])


def test_an_agent_publishes_only_as_the_designated_reviewer(kb):
    reviewer = kb["users"]["agent2"]
    other = kb["article"]("Not yours", status="review")
    mine = kb["article"]("Yours", status="review", reviewer=reviewer)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=other, actor=reviewer)
    assert services.article_publish(article=mine, actor=reviewer).status == "published"


def test_the_reviewer_must_hold_a_reviewing_role(kb):
    with pytest.raises(ValidationError) as exc:
        kb["article"](reviewer=kb["users"][Role.EMPLOYEE])
    assert "reviewer" in exc.value.message_dict


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.ASSET_MANAGER, "acme_contact"])
def test_only_agents_and_managers_write_articles(kb, role):
    with pytest.raises(PermissionDenied):
        kb["article"](author=kb["users"][role])


def test_employees_cannot_move_a_published_article(kb):
    article = kb["article"](status="published")
    with pytest.raises(PermissionDenied):
        services.article_retire(article=article, actor=kb["users"][Role.EMPLOYEE])


def test_return_to_draft_notifies_the_submitter(kb):
    from steward.notifications.models import Notification

    agent = kb["users"][Role.AGENT]
    article = kb["article"](status="review")
    services.article_return_to_draft(
        article=article, actor=kb["users"][Role.IT_MANAGER], comment="Add screenshots."
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT and article.submitted_by is None
    note = Notification.objects.get(recipient=agent, event="knowledge.article_returned")
    assert note.body == "Add screenshots."


def test_submitting_notifies_the_designated_reviewer(kb):
    from steward.notifications.models import Notification

    reviewer = kb["users"]["agent2"]
    kb["article"](status="review", reviewer=reviewer)
    assert Notification.objects.filter(
        recipient=reviewer, event="knowledge.review_requested"
    ).exists()


def test_a_retired_article_is_reopened_before_it_is_edited(kb):
    agent = kb["users"][Role.AGENT]
    article = kb["article"](status="retired")
    with pytest.raises(ValidationError):
        services.article_update(article=article, actor=agent, data={"title": "New"})
    article = services.article_reopen(article=article, actor=agent)
    assert services.article_update(article=article, actor=agent, data={"title": "New"}).version == 2


def test_unknown_fields_are_refused_by_the_update_service(kb):
    article = kb["article"]()
    with pytest.raises(ValidationError) as exc:
        services.article_update(
            article=article, actor=kb["users"][Role.AGENT], data={"status": "published"}
        )
    assert "status" in exc.value.message_dict
