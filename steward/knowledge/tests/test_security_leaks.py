"""Drafts and internal articles never leak through search, suggest, lookups or the API
(security review)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core.permissions import Role
from steward.knowledge.models import Article, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def arts(kb):
    make = kb["article"]
    return {
        "draft": make("Quokka draft", status="draft", visibility=Visibility.PUBLIC),
        "review": make("Quokka review", status="review", visibility=Visibility.PUBLIC),
        "internal": make("Quokka internal", status="published", visibility=Visibility.INTERNAL),
        "employees": make("Quokka staffonly", status="published"),
        "public": make("Quokka public", status="published", visibility=Visibility.PUBLIC),
        "retired": make("Quokka retired", status="retired", visibility=Visibility.PUBLIC),
    }


LEAKS = (b"Quokka draft", b"Quokka review", b"Quokka internal", b"Quokka retired")


def _bodies(client, api_client):
    yield client.get("/search/", {"q": "quokka"}).content
    yield client.get("/knowledge/suggest/", {"q": "quokka"}).content
    yield client.get("/knowledge/articles/", {"q": "quokka"}).content
    yield client.get("/portal/knowledge/", {"q": "quokka"}).content
    ct = ContentType.objects.get_for_model(Article).pk
    yield client.get(f"/lookup/{ct}/", {"lookup": "quokka"}).content
    for path in (
        "/api/search/",
        "/api/knowledge/articles/",
        "/api/knowledge/articles/search/",
        "/api/knowledge/articles/suggest/",
    ):
        yield api_client.get(path, {"q": "quokka"}).content


@pytest.mark.parametrize("who", ["acme_contact", Role.EMPLOYEE])
def test_drafts_and_internal_articles_never_leak_to_readers(kb, arts, api, client, who):
    user = kb["users"][who]
    client.force_login(user)
    for body in _bodies(client, api(user)):
        for leak in LEAKS:
            assert leak not in body
    if who == "acme_contact":
        for body in _bodies(client, api(user)):
            assert b"Quokka staffonly" not in body


def test_anonymous_reads_only_published_public_articles(kb, arts, api, client):
    for body in (
        client.get("/knowledge/suggest/", {"q": "quokka"}).content,
        client.get("/portal/knowledge/", {"q": "quokka"}).content,
        api().get("/api/knowledge/articles/", {"q": "quokka"}).content,
        api().get("/api/knowledge/articles/suggest/", {"q": "quokka"}).content,
    ):
        for leak in (*LEAKS, b"Quokka staffonly"):
            assert leak not in body
    draft = arts["draft"]
    assert client.get(f"/knowledge/articles/{draft.slug}/").status_code in (302, 404)
    assert client.get(f"/knowledge/articles/{draft.pk}/").status_code in (302, 404)


def test_linking_an_article_to_a_missing_ticket_answers_400(kb, arts, api):
    r = api(kb["users"][Role.AGENT]).post(
        f"/api/knowledge/articles/{arts['public'].pk}/link-ticket/",
        {"ticket": 999999},
        format="json",
    )
    assert r.status_code == 400, r.content


def test_internal_article_fields_are_hidden_from_employees(kb, arts, api):
    from steward.org.models import Person
    from steward.servicedesk import services as desk

    employee = kb["users"][Role.EMPLOYEE]
    ticket = desk.ticket_create(
        actor=None,
        requester=Person.objects.create(first_name="X", last_name="Y", organisation=kb["internal"]),
        title="t",
    )
    Article.objects.filter(pk=arts["employees"].pk).update(source_ticket=ticket)
    data = api(employee).get(f"/api/knowledge/articles/{arts['employees'].pk}/").json()
    for name in ("source_ticket", "owner", "reviewer", "submitted_by"):
        assert name not in data
    staff = api(kb["users"][Role.AGENT]).get(f"/api/knowledge/articles/{arts['employees'].pk}/")
    assert staff.json()["source_ticket"] == ticket.pk
