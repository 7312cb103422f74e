"""Printable labels: PDF sheets and single labels, a QR code of the asset page's public
address, and who may print them."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from conftest import require_service
from steward.assets import labels, services
from steward.core.permissions import Role
from steward.core.testing import PASSWORD

pytestmark = pytest.mark.django_db
PAGE = re.compile(rb"/Type\s*/Page(?!s)")


@pytest.fixture
def browser(client):
    def login(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


def _pages(pdf: bytes) -> int:
    return len(PAGE.findall(pdf))


def test_the_qr_payload_is_the_asset_page_at_the_public_address(settings, make_asset):
    settings.BASE_URL = "https://it.example.org"
    asset = make_asset()
    assert labels.label_url(asset) == f"https://it.example.org/assets/assets/{asset.pk}/"
    assert labels.label_url(asset).endswith(reverse("assets:asset_detail", kwargs={"pk": asset.pk}))
    matrix = labels.qr_matrix(labels.label_url(asset))
    assert len(matrix) == len(matrix[0]) >= 21


def test_one_label_is_a_one_page_pdf(browser, world, make_asset):
    asset = make_asset()
    response = browser(world["manager"]).get(reverse("assets:asset_label", kwargs={"pk": asset.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")
    assert _pages(response.content) == 1


def test_a_sheet_holds_24_labels_and_follows_the_list_filters(browser, world, make_asset):
    for _ in range(30):
        make_asset()
    make_asset(asset_tag="ZZ-1", serial="ODD-1")
    client = browser(world["manager"])
    url = reverse("assets:asset_labels")
    everything = client.get(url)
    assert everything.status_code == 200 and everything.content.startswith(b"%PDF-")
    assert _pages(everything.content) == 2
    one = client.get(url, {"q": "ODD-1"})
    assert _pages(one.content) == 1
    picked = client.get(url, {"id": [a.pk for a in world["laptop"].assets.all()[:3]]})
    assert picked.status_code == 200 and _pages(picked.content) == 1
    assert client.get(url, {"id": "²"}).status_code == 400
    assert client.get(url, {"status": "nonsense"}).status_code == 400


def test_too_many_labels_at_once_is_refused(browser, world, make_asset, monkeypatch):
    monkeypatch.setattr(labels, "MAX_LABELS", 2)
    for _ in range(3):
        make_asset()
    response = browser(world["manager"]).get(reverse("assets:asset_labels"))
    assert response.status_code == 400
    assert b"narrow the filter" in response.content


def test_labels_are_for_people_who_check_assets_out(browser, world, make_asset):
    asset = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["employee"]
    )
    single = reverse("assets:asset_label", kwargs={"pk": asset.pk})
    sheet = reverse("assets:asset_labels")
    agent = browser(world["users"][Role.AGENT])
    assert agent.get(single).status_code == 200
    assert agent.get(reverse("assets:asset_list")).context["can_print_labels"]
    employee = browser(world["users"][Role.EMPLOYEE])
    assert employee.get(single).status_code == 404
    assert employee.get(sheet).status_code == 403
    contact = browser(world["users"]["acme_contact"])
    assert contact.get(single).status_code == 404
    assert contact.get(sheet).status_code == 403
    contact.logout()
    assert contact.get(single).status_code == 302
    assert contact.get(reverse("assets:asset_label", kwargs={"pk": 10**30})).status_code in (
        302,
        404,
    )


def test_the_list_and_detail_pages_offer_labels(browser, world, make_asset):
    asset = make_asset()
    client = browser(world["manager"])
    listing = client.get(reverse("assets:asset_list"), {"status": "in_stock"})
    assert 'id="labels-pdf"' in listing.content.decode()
    assert reverse("assets:asset_labels") + "?status=in_stock" in listing.content.decode()
    detail = client.get(reverse("assets:asset_detail", kwargs={"pk": asset.pk}))
    assert reverse("assets:asset_label", kwargs={"pk": asset.pk}) in detail.content.decode()


def test_the_printed_qr_code_decodes_to_the_asset_page(settings, tmp_path, make_asset):
    """Renders the label with poppler and reads the QR code back with zbar."""
    require_service("pdftoppm (poppler-utils)", shutil.which("pdftoppm") is not None)
    require_service("zbarimg (zbar-tools)", shutil.which("zbarimg") is not None)
    settings.BASE_URL = "https://it.example.org"
    asset = make_asset(asset_tag="LT-00042")
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(labels.label_pdf(asset))
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "label")],
        check=True,
    )
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "label.png")],
        check=True,
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == f"https://it.example.org/assets/assets/{asset.pk}/"


def test_labels_take_any_text_and_long_values(make_asset):
    asset = make_asset(
        asset_tag="T-" + "9" * 48, name="Ноутбук 東京 émoji 🙂", serial="S" * 100, notes="x"
    )
    pdf = labels.label_pdf(asset)
    assert pdf.startswith(b"%PDF-") and _pages(pdf) == 1
    assert _pages(labels.label_sheets_pdf([])) == 1
