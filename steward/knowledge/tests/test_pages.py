"""Knowledge pages: lists, the article page, the edit form, versions, the review queue."""

from __future__ import annotations

import pytest

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.knowledge import services
from steward.knowledge.models import Article


@pytest.fixture
def many(kb):
    employee = kb["users"][Role.EMPLOYEE]
    for n in range(30):
        a = kb["article"](f"Printer {n}", status="published", category=kb["vpn"])
        services.feedback_record(article=a, user=employee, helpful=bool(n % 2))
    for n in range(5):
        kb["article"](f"Review {n}", status="review")
    return kb


@pytest.mark.parametrize(
    "path",
    ["/knowledge/articles/", "/knowledge/articles/?q=printer", "/knowledge/articles/?status=review",
     "/knowledge/categories/", "/knowledge/versions/", "/knowledge/feedback/",
     "/knowledge/ticket-links/", "/knowledge/review/"],
)  # fmt: skip
def test_list_pages_stay_within_their_query_budget(many, client, path):
    client.force_login(many["users"][Role.IT_MANAGER])
    client.get(path)
    with query_budget(14):
        assert client.get(path).status_code == 200


def test_the_article_page_stays_within_its_query_budget(many, client):
    article = Article.objects.get(title="Printer 3")
    url = f"/knowledge/articles/{article.slug}/"
    for user in (many["users"][Role.AGENT], many["users"][Role.EMPLOYEE]):
        client.force_login(user)
        client.get(url)
        with query_budget(16):
            assert client.get(url).status_code == 200


def test_the_anonymous_article_page_stays_within_its_query_budget(kb, client):
    article = kb["article"]("Public", status="published", visibility="public")
    client.get(f"/knowledge/articles/{article.slug}/")
    with query_budget(6):
        assert client.get(f"/knowledge/articles/{article.slug}/").status_code == 200


def test_the_review_queue_lists_what_i_may_review(many, client):
    client.force_login(many["users"][Role.IT_MANAGER])
    html = client.get("/knowledge/review/").content.decode()
    assert html.count("Review ") >= 5
    client.force_login(many["users"][Role.AGENT])
    assert "Nothing waits for your review" in client.get("/knowledge/review/").content.decode()
    client.force_login(many["users"][Role.EMPLOYEE])
    assert client.get("/knowledge/review/").status_code == 403


def test_the_dashboard_card_counts_articles_waiting_for_my_review(many, client):
    from steward.knowledge.selectors import my_review_count

    assert my_review_count(many["users"][Role.IT_MANAGER]) == 5
    assert my_review_count(many["users"][Role.AGENT]) == 0
    assert my_review_count(many["users"][Role.EMPLOYEE]) is None
    client.force_login(many["users"][Role.IT_MANAGER])
    assert "Articles waiting for my review" in client.get("/").content.decode()


def test_writing_an_article_through_the_form_makes_a_draft_and_then_a_version(kb, client):
    client.force_login(kb["users"][Role.AGENT])
    assert client.get("/knowledge/articles/add/").status_code == 200
    response = client.post(
        "/knowledge/articles/add/",
        {"title": "Dock a laptop", "body": "Plug in the USB-C cable.", "visibility": "employees"},
    )
    article = Article.objects.get(title="Dock a laptop")
    assert response.status_code == 302 and response["Location"].endswith(f"/{article.slug}/")
    response = client.post(
        f"/knowledge/articles/{article.pk}/edit/",
        {
            "title": "Dock a laptop",
            "body": "Plug in the USB-C cable, then wait.",
            "visibility": "employees",
            "slug": article.slug,
            "note": "wait",
        },
    )
    assert response.status_code == 302
    assert article.versions.get(number=2).note == "wait"


def test_the_form_answers_400_with_field_errors(kb, client):
    client.force_login(kb["users"][Role.AGENT])
    response = client.post("/knowledge/articles/add/", {"title": "", "visibility": "nope"})
    assert response.status_code == 400
    kb["article"]("Taken")
    response = client.post(
        "/knowledge/articles/add/",
        {"title": "x", "body": "y", "visibility": "public", "slug": "taken"},
    )
    assert response.status_code == 400 and Article.objects.count() == 1


def test_employees_cannot_open_the_edit_form(kb, client):
    article = kb["article"](status="published")
    client.force_login(kb["users"][Role.EMPLOYEE])
    assert client.get("/knowledge/articles/add/").status_code == 403
    assert client.get(f"/knowledge/articles/{article.pk}/edit/").status_code == 404


def test_lifecycle_buttons_move_the_article_and_report_refusals(kb, client):
    article = kb["article"]()
    client.force_login(kb["users"][Role.AGENT])
    client.post(f"/knowledge/articles/{article.pk}/submit/")
    response = client.post(f"/knowledge/articles/{article.pk}/publish/", follow=True)
    assert "reviewer may review it" in response.content.decode()
    client.force_login(kb["users"][Role.IT_MANAGER])
    client.post(f"/knowledge/articles/{article.pk}/publish/")
    assert Article.objects.get(pk=article.pk).status == "published"
    assert client.post(f"/knowledge/articles/{article.pk}/explode/").status_code == 404


def test_the_versions_page_diffs_and_restores(kb, client):
    agent = kb["users"][Role.AGENT]
    article = kb["article"]("Teams audio", body="Old line")
    services.article_update(article=article, actor=agent, data={"body": "New line"})
    client.force_login(agent)
    html = client.get(f"/knowledge/articles/{article.pk}/versions/?v=1").content.decode()
    assert "kb-diff-del" in html and "Old line" in html and "New line" in html
    response = client.post(f"/knowledge/articles/{article.pk}/versions/", {"number": "1"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "Old line"
    client.post(f"/knowledge/articles/{article.pk}/versions/", {"number": "zz"})
    client.force_login(kb["users"][Role.EMPLOYEE])
    assert client.get(f"/knowledge/articles/{article.pk}/versions/").status_code == 404


def test_linking_a_ticket_from_the_article_page_reports_a_bad_number(kb, client):
    article = kb["article"](status="published")
    client.force_login(kb["users"][Role.AGENT])
    response = client.post(
        f"/knowledge/articles/{article.pk}/link-ticket/", {"ticket": "abc"}, follow=True
    )
    assert "Give a ticket number." in response.content.decode()


def test_the_knowledge_menu_shows_staff_pages_to_staff_only(kb, client):
    client.force_login(kb["users"][Role.EMPLOYEE])
    html = client.get("/").content.decode()
    assert 'href="/knowledge/articles/"' in html and 'href="/knowledge/review/"' not in html
    client.force_login(kb["users"][Role.AGENT])
    assert 'href="/knowledge/review/"' in client.get("/").content.decode()


def test_a_search_with_an_invalid_filter_is_an_empty_list_not_an_error(kb, client):
    kb["article"]("VPN", status="published")
    client.force_login(kb["users"][Role.AGENT])
    response = client.get("/knowledge/articles/", {"q": "vpn", "visibility": "bogus"})
    assert response.status_code == 200 and "Nothing matches" in response.content.decode()
    response = client.get("/knowledge/articles/", {"q": "vpn", "sort": "-title"})
    assert response.status_code == 200 and ">VPN<" in response.content.decode()


def test_the_markdown_preview_is_safe_and_for_writers_only(kb, client):
    client.force_login(kb["users"][Role.AGENT])
    response = client.post("/knowledge/preview/", {"body": "**bold** <script>x</script>"})
    assert b"<strong>bold</strong>" in response.content and b"<script>" not in response.content
    client.force_login(kb["users"][Role.EMPLOYEE])
    assert client.post("/knowledge/preview/", {"body": "x"}).status_code == 403
