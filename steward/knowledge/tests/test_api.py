"""The knowledge API: writes through the services, bad input is a 400, hidden is a 404."""

from __future__ import annotations

import pytest

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.knowledge.models import Article, ArticleFeedback

BASE = "/api/knowledge/articles/"


def test_a_writer_creates_a_draft_through_the_api(kb, api):
    response = api(kb["users"][Role.AGENT]).post(
        BASE,
        {"title": "Enrol in MFA", "body": "1. Install the app", "category": kb["vpn"].pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["version"] == 1 and body["slug"] == "enrol-in-mfa"
    assert "<ol>" in body["body_html"]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"title": "x"},
        {"title": "x", "body": ["a"]},
        {"title": "x", "body": "b", "visibility": "everyone"},
        {"title": "x", "body": "b", "status": "published"},
        {"title": "x", "body": "b", "nonsense": 1},
        {"title": "x", "body": "b", "slug": "12345"},
        {"title": "x", "body": "b", "slug": "not a slug"},
        {"title": "x" * 300, "body": "b"},
        {"title": "x", "body": "b", "category": 999999},
        {"title": "x", "body": "b", "reviewer": "abc"},
        [],
        "text",
    ],
)
def test_bad_input_is_a_400_with_field_errors(kb, api, payload):
    response = api(kb["users"][Role.AGENT]).post(BASE, payload, format="json")
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


def test_a_duplicate_slug_is_a_field_error(kb, api):
    kb["article"]("Printer")
    response = api(kb["users"][Role.AGENT]).post(
        BASE, {"title": "Other", "body": "b", "slug": "printer"}, format="json"
    )
    assert response.status_code == 400 and "slug" in response.json()["errors"]


def test_the_lifecycle_through_the_api(kb, api):
    agent, manager = api(kb["users"][Role.AGENT]), api(kb["users"][Role.IT_MANAGER])
    article = kb["article"]()
    assert agent.post(f"{BASE}{article.pk}/publish/").status_code == 403
    assert agent.post(f"{BASE}{article.pk}/submit/").json()["status"] == "review"
    assert agent.post(f"{BASE}{article.pk}/publish/").status_code == 403
    assert manager.post(f"{BASE}{article.pk}/publish/").json()["status"] == "published"
    assert manager.post(f"{BASE}{article.pk}/submit/").status_code == 400
    assert agent.post(f"{BASE}{article.pk}/retire/").json()["status"] == "retired"
    assert agent.post(f"{BASE}{article.pk}/reopen/").json()["status"] == "draft"


def test_send_back_takes_a_comment(kb, api):
    article = kb["article"](status="review")
    response = api(kb["users"][Role.IT_MANAGER]).post(
        f"{BASE}{article.pk}/send-back/", {"comment": "More detail"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "draft"


def test_editing_through_the_api_makes_a_version_and_restore_brings_it_back(kb, api):
    client = api(kb["users"][Role.AGENT])
    article = kb["article"]("Wi-Fi", body="old")
    assert client.patch(f"{BASE}{article.pk}/", {"body": "new"}, format="json").status_code == 200
    response = client.post(f"{BASE}{article.pk}/restore/", {"number": 1}, format="json")
    assert response.status_code == 200
    assert (response.json()["version"], response.json()["body"]) == (3, "old")
    for bad in ({"number": 99}, {"number": "x"}, {}, {"number": -1}):
        assert client.post(f"{BASE}{article.pk}/restore/", bad, format="json").status_code == 400
    versions = client.get("/api/knowledge/versions/", {"article": article.pk}).json()
    assert [v["number"] for v in versions["results"]] == [3, 2, 1]


def test_an_employee_votes_once_through_the_api(kb, api):
    article = kb["article"](status="published")
    client = api(kb["users"][Role.EMPLOYEE])
    url = f"{BASE}{article.pk}/feedback/"
    assert client.post(url, {"helpful": True}, format="json").status_code == 200
    assert (
        client.post(url, {"helpful": True, "comment": "Thanks"}, format="json").status_code == 200
    )
    assert client.post(url, {"helpful": "maybe"}, format="json").status_code == 400
    assert client.post(url, {}, format="json").status_code == 400
    assert ArticleFeedback.objects.filter(article=article).count() == 1
    assert Article.objects.get(pk=article.pk).helpful_count == 1


def test_hidden_articles_are_404_and_readers_cannot_write(kb, api):
    draft = kb["article"](visibility="public")
    public = kb["article"]("Public", status="published", visibility="public")
    customer = api(kb["users"]["acme_contact"])
    assert customer.get(f"{BASE}{draft.pk}/").status_code == 404
    assert customer.post(f"{BASE}{draft.pk}/feedback/", {"helpful": True}).status_code == 404
    assert customer.get(f"{BASE}{public.pk}/").status_code == 200
    assert "owner" not in customer.get(f"{BASE}{public.pk}/").json()
    assert customer.post(f"{BASE}{public.pk}/retire/").status_code == 403
    assert customer.patch(f"{BASE}{public.pk}/", {"title": "x"}, format="json").status_code == 403
    assert customer.post(BASE, {"title": "x", "body": "y"}, format="json").status_code == 403
    assert customer.get("/api/knowledge/versions/").status_code == 403


def test_search_and_suggest_endpoints_rank_and_validate(kb, api):
    kb["article"]("VPN set-up", body="x", status="published")
    kb["article"]("Home working", body="The vpn client", status="published")
    client = api(kb["users"][Role.EMPLOYEE])
    hits = client.get(f"{BASE}search/", {"q": "vpn"}).json()
    assert [h["title"] for h in hits] == ["VPN set-up", "Home working"]
    assert hits[0]["url"] == "/knowledge/articles/vpn-set-up/"
    assert len(client.get(f"{BASE}suggest/", {"q": "vp", "limit": 1}).json()) == 1
    assert client.get(f"{BASE}search/").status_code == 400
    assert client.get(f"{BASE}search/", {"q": "vpn", "limit": 0}).status_code == 400
    assert client.get(f"{BASE}search/", {"q": "x" * 400}).status_code == 400


def test_list_filters_by_category_status_visibility_and_ranks_by_q(kb, api):
    kb["article"]("VPN", body="x", category=kb["vpn"], status="published")
    kb["article"]("Printer", body="vpn too")
    client = api(kb["users"][Role.AGENT])
    by_category = client.get(BASE, {"category": kb["network"].pk}).json()["results"]
    assert [a["title"] for a in by_category] == ["VPN"]
    assert [a["title"] for a in client.get(BASE, {"status": "draft"}).json()["results"]] == [
        "Printer"
    ]
    assert client.get(BASE, {"visibility": "nope"}).status_code == 400
    assert {a["title"] for a in client.get(BASE, {"q": "vpn"}).json()["results"]} == {
        "VPN",
        "Printer",
    }


def test_draft_from_ticket_validates_its_ticket(kb, api):
    client = api(kb["users"][Role.AGENT])
    url = f"{BASE}draft-from-ticket/"
    assert client.post(url, {"ticket": 424242}, format="json").status_code == 400
    assert client.post(url, {"ticket": "abc"}, format="json").status_code == 400
    assert client.post(url, {}, format="json").status_code == 400
    employee = api(kb["users"][Role.EMPLOYEE])
    assert employee.post(url, {"ticket": 1}, format="json").status_code == 403


def test_link_ticket_validates_its_ticket(kb, api):
    article = kb["article"](status="published")
    client = api(kb["users"][Role.AGENT])
    url = f"{BASE}{article.pk}/link-ticket/"
    assert client.post(url, {"ticket": 424242}, format="json").status_code == 400
    assert api(kb["users"][Role.EMPLOYEE]).post(url, {"ticket": 1}).status_code == 403


@pytest.mark.parametrize(
    "path",
    [BASE, "/api/knowledge/categories/", "/api/knowledge/versions/", "/api/knowledge/feedback/",
     "/api/knowledge/ticket-links/"],
)  # fmt: skip
def test_list_endpoints_stay_within_their_query_budget(kb, api, path):
    from steward.knowledge import services

    for n in range(25):
        a = kb["article"](f"Article {n}", status="published", category=kb["vpn"])
        services.feedback_record(article=a, user=kb["users"][Role.EMPLOYEE], helpful=True)
    client = api(kb["users"][Role.AGENT])
    client.get(path)
    with query_budget(8):
        assert client.get(path).status_code == 200


def test_search_endpoint_stays_within_its_query_budget(kb, api):
    for n in range(25):
        kb["article"](f"VPN {n}", status="published")
    client = api(kb["users"][Role.EMPLOYEE])
    client.get(f"{BASE}search/", {"q": "vpn"})
    with query_budget(6):
        assert len(client.get(f"{BASE}search/", {"q": "vpn"}).json()) == 20
