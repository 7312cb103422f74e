"""Was this helpful? One vote per reader and article."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from steward.core.permissions import Role
from steward.knowledge import services
from steward.knowledge.models import Article, ArticleFeedback


def _counts(article):
    a = Article.objects.get(pk=article.pk)
    return a.helpful_count, a.unhelpful_count


def test_one_vote_per_user_and_voting_again_replaces_it(kb):
    article = kb["article"](status="published")
    employee = kb["users"][Role.EMPLOYEE]
    services.feedback_record(article=article, user=employee, helpful=True)
    services.feedback_record(article=article, user=employee, helpful=True)
    assert ArticleFeedback.objects.filter(article=article).count() == 1
    assert _counts(article) == (1, 0)
    services.feedback_record(article=article, user=employee, helpful=False, comment="Outdated")
    vote = ArticleFeedback.objects.get(article=article)
    assert (vote.helpful, vote.comment) == (False, "Outdated")
    assert _counts(article) == (0, 1)


def test_anonymous_visitors_vote_once_per_session(kb):
    article = kb["article"](status="published", visibility="public")
    anonymous = AnonymousUser()
    services.feedback_record(article=article, user=anonymous, session_key="s1", helpful=True)
    services.feedback_record(article=article, user=anonymous, session_key="s1", helpful=True)
    services.feedback_record(article=article, user=anonymous, session_key="s2", helpful=False)
    assert ArticleFeedback.objects.filter(article=article).count() == 2
    assert _counts(article) == (1, 1)


def test_anonymous_feedback_without_a_session_is_refused(kb):
    article = kb["article"](status="published", visibility="public")
    with pytest.raises(ValidationError):
        services.feedback_record(article=article, user=AnonymousUser(), helpful=True)


def test_feedback_on_an_unpublished_article_is_refused(kb):
    article = kb["article"]()
    with pytest.raises(ValidationError):
        services.feedback_record(article=article, user=kb["users"][Role.AGENT], helpful=True)


def test_feedback_on_an_article_the_reader_cannot_see_is_refused(kb):
    article = kb["article"](status="published", visibility="internal")
    with pytest.raises(PermissionDenied):
        services.feedback_record(article=article, user=kb["users"][Role.EMPLOYEE], helpful=True)


def test_counters_change_without_audit_rows_of_the_article(kb):
    from steward.core.models import AuditEntry

    article = kb["article"](status="published")
    before = AuditEntry.objects.filter(object_id=str(article.pk), object_repr=article.title)
    count = before.count()
    services.feedback_record(article=article, user=kb["users"][Role.EMPLOYEE], helpful=True)
    services.article_viewed(article=article)
    assert before.count() == count


def test_the_page_widget_records_a_vote_by_htmx_and_by_a_plain_form(kb, client):
    article = kb["article"]("Outlook profile", status="published", visibility="public")
    url = f"/knowledge/articles/{article.pk}/feedback/"
    response = client.post(url, {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"Thank you for your feedback" in response.content
    client.force_login(kb["users"][Role.EMPLOYEE])
    response = client.post(url, {"helpful": "no"})
    assert response.status_code == 302
    assert _counts(article) == (1, 1)


def test_the_page_widget_answers_400_for_a_bad_vote(kb, client):
    article = kb["article"](status="published", visibility="public")
    response = client.post(
        f"/knowledge/articles/{article.pk}/feedback/", {"helpful": "maybe"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert ArticleFeedback.objects.count() == 0


def test_a_no_vote_invites_a_comment_that_is_kept_with_the_vote(kb, client):
    article = kb["article"](status="published", visibility="public")
    url = f"/knowledge/articles/{article.pk}/feedback/"
    client.force_login(kb["users"][Role.EMPLOYEE])
    html = client.post(url, {"helpful": "no"}, HTTP_HX_REQUEST="true").content.decode()
    assert "What was missing or wrong?" in html
    html = client.post(
        url, {"helpful": "no", "comment": "Screenshots are outdated"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Your comment reached" in html
    assert ArticleFeedback.objects.get().comment == "Screenshots are outdated"
    assert _counts(article) == (0, 1)
