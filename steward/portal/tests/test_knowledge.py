"""The portal's knowledge search shows what each reader may read."""

from __future__ import annotations

import pytest
from django.utils import timezone

from steward.core.permissions import Role
from steward.knowledge.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(world):
    common = {"status": "published", "published_at": timezone.now(), "body": "Steps."}
    Article.objects.create(
        title="Reset your VPN token", slug="vpn-public", visibility="public", **common
    )
    Article.objects.create(
        title="VPN for staff laptops", slug="vpn-staff", visibility="employees", **common
    )
    Article.objects.create(
        title="VPN server runbook", slug="vpn-internal", visibility="internal", **common
    )


def _titles(client) -> list[str]:
    return sorted(a.title for a in client.get("/portal/knowledge/?q=vpn").context["articles"])


def test_employees_find_public_and_employee_articles(articles, client_for):
    assert _titles(client_for(Role.EMPLOYEE)) == ["Reset your VPN token", "VPN for staff laptops"]


def test_customer_contacts_find_public_articles_only(articles, client_for):
    client = client_for("acme_contact")
    assert _titles(client) == ["Reset your VPN token"]
    page = client.get("/portal/knowledge/?q=vpn").content.decode()
    assert "/knowledge/articles/vpn-public/" in page and "runbook" not in page


def test_an_empty_search_shows_no_results(articles, client_for):
    assert client_for(Role.EMPLOYEE).get("/portal/knowledge/").context["articles"] == []
