"""Hostile and broken input at /inventory/: each answers a 4xx with its reason, is kept in
quarantine with the raw bytes (up to the cap), and never reaches the CMDB. A good
inventory sent after them still goes through."""

from __future__ import annotations

import base64
import gzip
import zlib
from pathlib import Path

import pytest
from django.test import Client

from steward.cmdb.discovery import protocol, services
from steward.cmdb.models import ConfigurationItem, InventorySubmission, SubmissionStatus
from steward.org.models import Organisation, OrganisationKind

FIXTURES = Path(__file__).parent / "fixtures" / "inventory"
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<REQUEST><DEVICEID>&lol4;</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<REQUEST><DEVICEID>&xxe;</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"""


@pytest.fixture
def secret(db, make_user):
    Organisation.objects.create(name="Northwind IT", kind=OrganisationKind.INTERNAL)
    _token, value = services.token_create(data={"name": "HQ"}, actor=make_user("admin"))
    return value


def post(body: bytes, secret: str, **extra):
    creds = base64.b64encode(f"agent:{secret}".encode()).decode()
    return Client().generic(
        "POST",
        "/inventory/",
        body,
        content_type="application/x-compress",
        HTTP_AUTHORIZATION=f"Basic {creds}",
        HTTP_USER_AGENT="FusionInventory-Injector",
        **extra,
    )


def only_quarantined() -> InventorySubmission:
    found = InventorySubmission.objects.get()
    assert found.status == SubmissionStatus.QUARANTINED
    assert not ConfigurationItem.objects.exists()
    return found


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"\x00\x01garbage\xff\xfe not xml at all", "bad_xml"),
        (zlib.compress(b"<REQUEST><QUERY>INVENTORY</QUERY>" * 20)[:-9], "bad_compression"),
        (zlib.compress(LAUGHS), "xml_forbidden"),
        (EXTERNAL, "xml_forbidden"),
        (zlib.compress(b"<REPLY><RESPONSE>SEND</RESPONSE></REPLY>"), "bad_request"),
        (b"<REQUEST><DEVICEID>x</DEVICEID></REQUEST>", "bad_request"),
        (zlib.compress(b"<REQUEST><QUERY>SNMPQUERY</QUERY></REQUEST>"), "unsupported_query"),
        (zlib.compress(b"<REQUEST><QUERY>INVENTORY</QUERY><CONTENT/></REQUEST>"), "no_deviceid"),
        (gzip.compress(b"<REQUEST><QUERY>PROLOG</QUERY>")[:-4], "bad_compression"),
    ],
    ids=[
        "garbage",
        "truncated-zlib",
        "billion-laughs",
        "external-entity",
        "not-a-request",
        "no-query",
        "unsupported-query",
        "no-deviceid",
        "truncated-gzip",
    ],
)
def test_bad_input_is_refused_with_its_reason_and_quarantined(secret, body, code):
    response = post(body, secret)
    assert response.status_code == 400
    assert response["X-Steward-Reason"] == code
    assert code.encode() in response.content
    kept = only_quarantined()
    assert kept.reason_code == code
    assert bytes(kept.raw) == body
    assert kept.raw_size == len(body)
    assert kept.remote_addr == "127.0.0.1"
    assert kept.token is not None


def test_decompression_bomb_stops_at_the_limit(secret, settings):
    settings.INVENTORY_MAX_XML_BYTES = 1024 * 1024
    bomb = zlib.compress(b"<REQUEST>" + b" " * (200 * 1024 * 1024), 9)
    assert len(bomb) < 300_000
    response = post(bomb, secret)
    assert response.status_code == 413
    assert response["X-Steward-Reason"] == "decompression_bomb"
    assert only_quarantined().reason_code == "decompression_bomb"


def test_decompress_never_produces_more_than_the_cap():
    bomb = zlib.compress(b"A" * (50 * 1024 * 1024), 9)
    with pytest.raises(protocol.ProtocolError) as refused:
        protocol.decompress(bomb, max_bytes=1000)
    assert refused.value.code == "decompression_bomb"


def test_payload_over_the_limit_is_refused_before_reading_it_all(secret, settings):
    settings.INVENTORY_MAX_BYTES = 10_000
    settings.INVENTORY_KEEP_BYTES = 4_000
    body = zlib.compress((FIXTURES / "fusioninventory-inventory.xml").read_bytes() * 20, 0)
    assert len(body) > 10_000
    response = post(body, secret)
    assert response.status_code == 413
    kept = only_quarantined()
    assert (kept.reason_code, kept.raw_size, kept.truncated) == ("too_large", len(body), True)
    assert bytes(kept.raw) == body[:4_000]


def test_token_bound_to_another_agent_is_refused(db, make_user):
    Organisation.objects.create(name="Northwind IT", kind=OrganisationKind.INTERNAL)
    _t, value = services.token_create(
        data={"name": "one box", "deviceid": "box-1"}, actor=make_user("admin")
    )
    body = (FIXTURES / "fusioninventory-prolog.zlib").read_bytes()
    response = post(body, value)
    assert response.status_code == 403
    assert only_quarantined().reason_code == "wrong_agent"


def test_revoked_token_is_refused(secret, make_user):
    from steward.cmdb.models import InventoryToken

    services.token_revoke(token=InventoryToken.objects.get(), actor=make_user("admin"))
    response = post((FIXTURES / "fusioninventory-prolog.zlib").read_bytes(), secret)
    assert response.status_code == 401


def test_latin1_software_names_do_not_lose_the_inventory(secret):
    xml = (FIXTURES / "ocsinventory-inventory.xml").read_bytes()
    broken = xml.replace(b"<NAME>adduser</NAME>", b"<NAME>caf\xe9-tools\x01</NAME>")
    response = post(zlib.compress(broken), secret)
    assert response.status_code == 200, response.content
    assert ConfigurationItem.objects.count() == 1
    assert not InventorySubmission.objects.exists()


def test_quarantined_inventory_is_reprocessed_by_an_administrator(secret, make_user):
    from steward.cmdb.models import InventoryToken

    xml = (FIXTURES / "fusioninventory-inventory.xml").read_bytes()
    token = InventoryToken.objects.get()
    token.auto_create = False
    token.save()
    response = post(zlib.compress(xml), secret)
    assert response["X-Steward-Outcome"] == "review"
    waiting = InventorySubmission.objects.get(status=SubmissionStatus.REVIEW)
    admin = make_user("admin")
    done = services.submission_resolve(submission=waiting, actor=admin, create=True)
    assert done.status == SubmissionStatus.PROCESSED
    assert done.configuration_item.hostname == "vm"
    assert done.resolved_by == admin


def test_an_agent_cannot_resolve_the_queue(secret, make_user):
    from django.core.exceptions import PermissionDenied

    post(b"garbage", secret)
    kept = InventorySubmission.objects.get()
    with pytest.raises(PermissionDenied):
        services.submission_discard(submission=kept, actor=make_user("agent"))


def test_api_lists_the_quarantine_to_administrators_only(secret, make_user, api):
    post(b"garbage", secret)
    listed = api(make_user("admin")).get("/api/cmdb/inventory-submissions/")
    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    assert (row["reason_code"], row["status"]) == ("bad_xml", "quarantined")
    assert api(make_user("agent")).get("/api/cmdb/inventory-submissions/").status_code == 403
    assert api(make_user("employee")).get("/api/cmdb/inventory-tokens/").status_code == 403


def test_api_creates_a_token_whose_secret_is_answered_once(db, make_user, api):
    admin = api(make_user("admin"))
    made = admin.post("/api/cmdb/inventory-tokens/", {"name": "Paris"}, format="json")
    assert made.status_code == 201
    assert made.json()["secret"].startswith("inv_")
    again = admin.get(f"/api/cmdb/inventory-tokens/{made.json()['id']}/").json()
    assert "secret" not in again
    from steward.cmdb.models import InventoryToken

    assert InventoryToken.objects.get().token_hash != made.json()["secret"]


def test_api_resolves_a_waiting_submission_by_creating_the_item(secret, make_user, api):
    from steward.cmdb.models import InventoryToken

    InventoryToken.objects.update(auto_create=False)
    post(zlib.compress((FIXTURES / "ocsinventory-inventory.xml").read_bytes()), secret)
    waiting = InventorySubmission.objects.get(status=SubmissionStatus.REVIEW)
    url = f"/api/cmdb/inventory-submissions/{waiting.pk}/resolve/"
    done = api(make_user("admin")).post(url, {"action": "create"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "processed"
    assert ConfigurationItem.objects.get().hostname == "vm"


def test_quarantine_page_shows_the_reason(secret, make_user, client):
    post(b"garbage", secret)
    client.force_login(make_user("admin"))
    listed = client.get("/cmdb/discovery/submissions/")
    assert listed.status_code == 200 and b"bad_xml" in listed.content
    kept = InventorySubmission.objects.get()
    page = client.get(f"/cmdb/discovery/submissions/{kept.pk}/")
    assert page.status_code == 200 and b"Re-process" in page.content
    assert client.get("/cmdb/discovery/tokens/").status_code == 200
    assert client.get("/cmdb/discovery/agents/").status_code == 200
