"""Who reads what: staff everything, employees published employee and public articles,
customer contacts and anonymous visitors published public ones only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from steward.core.permissions import Role
from steward.knowledge import selectors
from steward.knowledge.models import Visibility

STATES = ["draft", "review", "published", "retired"]
VIS = [Visibility.INTERNAL, Visibility.EMPLOYEES, Visibility.PUBLIC]


def _expected(reader: str, status: str, visibility: str) -> bool:
    if reader in (Role.ADMIN, Role.IT_MANAGER, Role.AGENT, Role.ASSET_MANAGER):
        return True
    if status != "published":
        return False
    if reader == Role.EMPLOYEE:
        return visibility in (Visibility.EMPLOYEES, Visibility.PUBLIC)
    return visibility == Visibility.PUBLIC


@pytest.fixture
def matrix(kb):
    return {(s, v): kb["article"](f"{s} {v}", status=s, visibility=v) for s in STATES for v in VIS}


@pytest.mark.parametrize(
    "reader",
    [Role.ADMIN, Role.AGENT, Role.ASSET_MANAGER, Role.EMPLOYEE, "acme_contact", "globex_contact",
     "anonymous"],
)  # fmt: skip
def test_each_reader_sees_exactly_the_articles_meant_for_them(kb, matrix, reader):
    user = AnonymousUser() if reader == "anonymous" else kb["users"][reader]
    seen = set(selectors.readable_articles(user).values_list("pk", flat=True))
    expected = {a.pk for (s, v), a in matrix.items() if _expected(reader, s, v)}
    assert seen == expected


def test_anonymous_reads_a_published_public_article_page_without_login(kb, client):
    article = kb["article"]("Reset your password", status="published", visibility="public")
    response = client.get(f"/knowledge/articles/{article.slug}/")
    assert response.status_code == 200
    assert b"Reset your password" in response.content
    assert b"Was this helpful?" in response.content


@pytest.mark.parametrize(
    ("status", "visibility"),
    [("draft", "public"), ("review", "public"), ("retired", "public"), ("published", "internal")],
)
def test_drafts_and_internal_articles_are_404_to_anonymous_visitors(kb, client, status, visibility):
    article = kb["article"]("Hidden", status=status, visibility=visibility)
    assert client.get(f"/knowledge/articles/{article.slug}/").status_code == 404


def test_an_employee_article_asks_anonymous_visitors_to_log_in(kb, client):
    article = kb["article"]("Staff VPN", status="published", visibility="employees")
    response = client.get(f"/knowledge/articles/{article.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("status", "visibility"),
    [("draft", "public"), ("published", "internal"), ("published", "employees")],
)
def test_customer_contacts_get_404_for_articles_not_meant_for_them(kb, client, status, visibility):
    article = kb["article"]("Not for customers", status=status, visibility=visibility)
    client.force_login(kb["users"]["acme_contact"])
    assert client.get(f"/knowledge/articles/{article.slug}/").status_code == 404
    assert client.get(f"/knowledge/articles/{article.pk}/").status_code == 404


def test_customers_of_every_organisation_read_public_articles(kb, client):
    article = kb["article"]("Public", status="published", visibility="public")
    for name in ("acme_contact", "globex_contact"):
        client.force_login(kb["users"][name])
        assert client.get(f"/knowledge/articles/{article.slug}/").status_code == 200


def test_employees_get_404_for_drafts(kb, client):
    article = kb["article"]("Draft", visibility="employees")
    client.force_login(kb["users"][Role.EMPLOYEE])
    assert client.get(f"/knowledge/articles/{article.slug}/").status_code == 404


def test_staff_pages_show_status_and_actions_readers_do_not(kb, client):
    article = kb["article"]("Dock a laptop", status="published", visibility="public")
    client.force_login(kb["users"][Role.AGENT])
    staff_page = client.get(f"/knowledge/articles/{article.slug}/").content.decode()
    client.force_login(kb["users"]["acme_contact"])
    reader_page = client.get(f"/knowledge/articles/{article.slug}/").content.decode()
    assert "Retire" in staff_page and "Versions" in staff_page
    assert "Retire" not in reader_page and "Versions" not in reader_page


def test_the_numeric_address_leads_to_the_article(kb, client):
    article = kb["article"]("Wi-Fi", status="published", visibility="public")
    client.force_login(kb["users"][Role.EMPLOYEE])
    response = client.get(f"/knowledge/articles/{article.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/knowledge/articles/{article.slug}/"


def test_markdown_is_rendered_and_scripts_never_reach_the_reader(kb, client):
    article = kb["article"](
        "Safe",
        body="## Steps\n\n1. Open\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
        status="published",
        visibility="public",
    )
    html = client.get(f"/knowledge/articles/{article.slug}/").content.decode()
    assert "<h2>Steps</h2>" in html and "<ol>" in html
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html


def test_readers_see_an_articles_public_files_but_never_its_internal_ones(kb, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from steward.core import features

    article = kb["article"]("Printer setup", status="published", visibility="public")
    for name, internal in (("driver.txt", False), ("vendor-contract.txt", True)):
        features.attachment_add(
            obj=article,
            upload=SimpleUploadedFile(name, b"text"),
            user=kb["users"][Role.AGENT],
            internal=internal,
        )
    for reader in (Role.EMPLOYEE, "acme_contact"):
        client.force_login(kb["users"][reader])
        page = client.get(f"/knowledge/articles/{article.slug}/").content.decode()
        assert "driver.txt" in page and "vendor-contract.txt" not in page
