"""The /inventory/ endpoint with replayed requests: both agents' PROLOG and INVENTORY as
they send them (zlib, plain, gzip; Content-Type ignored), authentication, and what the
reconciliation makes of each agent's report."""

from __future__ import annotations

import base64
import gzip
import zlib
from pathlib import Path

import pytest
from django.test import Client

from steward.assets.models import AssetHealthReading, DeviceOS, Installation
from steward.cmdb.discovery import services
from steward.cmdb.models import (
    ConfigurationItem,
    DiscoveryAgent,
    InventorySubmission,
    NetworkInterface,
    SubmissionStatus,
)
from steward.core.models import AuditEntry
from steward.org.models import Organisation, OrganisationKind

FIXTURES = Path(__file__).parent / "fixtures" / "inventory"
FI_UA = "FusionInventory-Agent_v2.6-3"
OCS_UA = "OCS-NG_unified_unix_agent_v2.10.0"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def org(db):
    return Organisation.objects.create(name="Northwind IT", kind=OrganisationKind.INTERNAL)


@pytest.fixture
def secret(org, make_user):
    admin = make_user("admin")
    _token, value = services.token_create(data={"name": "HQ"}, actor=admin)
    return value


def post(
    body: bytes, secret: str | None, *, ua: str = FI_UA, ctype: str = "application/x-compress-zlib"
):
    headers = {"HTTP_USER_AGENT": ua}
    if secret is not None:
        creds = base64.b64encode(f"agent:{secret}".encode()).decode()
        headers["HTTP_AUTHORIZATION"] = f"Basic {creds}"
    return Client().generic("POST", "/inventory/", body, content_type=ctype, **headers)


def unzip(response) -> bytes:
    return zlib.decompress(response.content)


def test_prolog_zlib_is_answered_send_in_zlib(secret):
    response = post(fixture("fusioninventory-prolog.zlib"), secret)
    assert response.status_code == 200
    assert response.content[:2] == b"\x78\x9c"
    reply = unzip(response)
    assert b"<PROLOG_FREQ>24</PROLOG_FREQ><RESPONSE>SEND</RESPONSE>" in reply


def test_plain_prolog_is_answered_plain_whatever_the_content_type(secret):
    response = post(fixture("fusioninventory-prolog.xml"), secret, ctype="application/x-compress")
    assert response.status_code == 200
    assert response.content.startswith(b"<?xml")
    assert b"<RESPONSE>SEND</RESPONSE>" in response.content


def test_gzip_prolog_is_answered_in_gzip(secret):
    body = gzip.compress(fixture("ocsinventory-prolog.xml"))
    response = post(body, secret, ua=OCS_UA, ctype="application/xml")
    assert response.status_code == 200
    assert b"<RESPONSE>SEND</RESPONSE>" in gzip.decompress(response.content)


def test_no_credentials_gets_a_basic_challenge_and_nothing_is_recorded(secret):
    response = post(fixture("fusioninventory-prolog.zlib"), None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Steward inventory"'
    assert not InventorySubmission.objects.exists()


def test_wrong_token_is_refused_and_recorded_without_its_body(secret):
    response = post(fixture("fusioninventory-prolog.zlib"), "inv_wrong")
    assert response.status_code == 401
    refused = InventorySubmission.objects.get()
    assert refused.reason_code == "bad_token"
    assert bytes(refused.raw) == b""


def test_token_in_the_query_string_is_accepted(secret):
    response = Client().generic(
        "POST",
        f"/inventory/?token={secret}",
        zlib.compress(fixture("ocsinventory-prolog.xml")),
        content_type="application/x-compress",
        HTTP_USER_AGENT=OCS_UA,
    )
    assert response.status_code == 200
    assert b"SEND" in unzip(response)


def test_get_config_is_answered_with_an_empty_json_object(secret):
    creds = base64.b64encode(f"agent:{secret}".encode()).decode()
    response = Client().get(
        "/inventory/?action=getConfig&task%5BCollect%5D=2.6&machineid=vm-1",
        HTTP_AUTHORIZATION=f"Basic {creds}",
    )
    assert response.status_code == 200
    assert response.json() == {}


def test_fusioninventory_inventory_creates_the_item_and_its_asset(secret):
    response = post(zlib.compress(fixture("fusioninventory-inventory.xml")), secret)
    assert response.status_code == 200, response.content
    assert b"no_account_update" in unzip(response)
    item = ConfigurationItem.objects.get()
    assert (item.name, item.hostname, item.ci_class, item.source) == (
        "vm",
        "vm",
        "server",
        "discovery",
    )
    asset = item.asset
    assert asset is not None and asset.name == "vm"
    names = set(Installation.objects.filter(asset=asset).values_list("product__name", flat=True))
    assert {"adduser", "adwaita-icon-theme", "alsa-topology-conf"} <= names
    os_ = DeviceOS.objects.get(asset=asset)
    assert (os_.os_name, os_.os_version, os_.cpu_cores) == ("Debian GNU/Linux", "12.11", 2)
    agent = DiscoveryAgent.objects.get()
    assert agent.deviceid == "vm-2026-11-23-18-53-32"
    assert agent.last_boot_at.isoformat() == "2026-11-23T18:47:09+00:00"
    assert set(item.disks.values_list("name", "size_mb")) == {("vda", 274877)}
    lo = item.network_interfaces.get(name="lo")
    assert set(lo.addresses.values_list("address", flat=True)) == {"127.0.0.1", "::1"}


def test_ocs_inventory_reads_its_own_field_names(secret):
    body = zlib.compress(fixture("ocsinventory-inventory.xml"))
    response = post(body, secret, ua=OCS_UA, ctype="application/x-compress")
    assert response.status_code == 200, response.content
    assert response.content[:2] == b"\x78\x9c"
    item = ConfigurationItem.objects.get()
    os_ = DeviceOS.objects.get(asset=item.asset)
    assert (os_.os_name, os_.os_version, os_.cpu_cores) == ("Debian GNU/Linux 12", "12", 2)
    eth0 = item.network_interfaces.get(name="eth0")
    assert eth0.mac_address == "02:fc:00:00:00:01"
    assert list(eth0.addresses.values_list("address", "prefix_length")) == [("192.0.2.2", 24)]
    assert item.disks.get(name="vda").size_mb == 274877
    assert Installation.objects.filter(asset=item.asset).count() == 3


def test_second_identical_inventory_changes_and_audits_nothing(secret):
    body = zlib.compress(fixture("fusioninventory-laptop.xml"))
    assert post(body, secret).status_code == 200
    entries = AuditEntry.objects.count()
    readings = AssetHealthReading.objects.count()
    response = post(body, secret)
    assert response.status_code == 200
    assert response["X-Steward-Outcome"] == "unchanged"
    assert AuditEntry.objects.count() == entries
    assert AssetHealthReading.objects.count() == readings == 1


def test_laptop_is_hardware_with_its_serial_uuid_and_battery_wear(secret):
    assert post(zlib.compress(fixture("fusioninventory-laptop.xml")), secret).status_code == 200
    item = ConfigurationItem.objects.get()
    assert item.ci_class == "hardware"
    assert item.serial_number == "LR9NKZ7"
    assert item.hardware_uuid == "725ba801-507b-11cb-95e6-c66052aac597"
    assert item.asset.model.category == "laptop"
    assert str(item.asset.model.manufacturer) == "LENOVO"
    assert item.asset.serial == "LR9NKZ7"
    reading = AssetHealthReading.objects.get(asset=item.asset)
    assert float(reading.battery_wear_percent) == 25.0


def test_changes_are_audited_in_human_terms(secret):
    base = fixture("fusioninventory-laptop.xml").decode()
    assert post(zlib.compress(base.encode()), secret).status_code == 200
    changed = (
        base.replace("<MEMORY>8192</MEMORY>", "<MEMORY>16384</MEMORY>")
        .replace("<NAME>adduser</NAME>", "<NAME>htop</NAME>")
        .replace("<VERSION>43-1</VERSION>", "<VERSION>44-1</VERSION>")
    )
    response = post(zlib.compress(changed.encode()), secret)
    assert response["X-Steward-Outcome"] == "updated"
    item = ConfigurationItem.objects.get()
    entry = AuditEntry.objects.filter(object_id=str(item.pk), changed_fields=["inventory"]).get()
    said = entry.after["inventory"]
    assert "memory 8 GB → 16 GB" in said
    assert "package htop 3.134 installed" in said
    assert "package adduser removed" in said
    assert "package adwaita-icon-theme 43-1 → 44-1" in said
    names = set(
        Installation.objects.filter(asset=item.asset).values_list("product__name", flat=True)
    )
    assert "htop" in names and "adduser" not in names


ETH0 = """<DESCRIPTION>eth0</DESCRIPTION>
      <MACADDR>02:fc:00:00:00:01</MACADDR>
    </NETWORKS>
    <NETWORKS>
      <DESCRIPTION>ifb0</DESCRIPTION>"""


def test_both_agents_on_one_machine_meet_on_its_mac_address(secret):
    ocs = zlib.compress(fixture("ocsinventory-inventory.xml"))
    assert post(ocs, secret, ua=OCS_UA).status_code == 200
    fi = fixture("fusioninventory-inventory.xml").decode()
    fi = fi.replace("<DESCRIPTION>ifb0</DESCRIPTION>", ETH0, 1)
    assert post(zlib.compress(fi.encode()), secret).status_code == 200
    assert ConfigurationItem.objects.count() == 1
    assert DiscoveryAgent.objects.count() == 2
    assert NetworkInterface.objects.filter(mac_address="02:fc:00:00:00:01").count() == 1


def test_serial_of_one_item_and_uuid_of_another_wait_for_review(secret):
    laptop = fixture("fusioninventory-laptop.xml").decode()
    assert post(zlib.compress(laptop.encode()), secret).status_code == 200
    other = ConfigurationItem.objects.create(
        name="old-board", ci_class="hardware", serial_number="SERIAL-2"
    )
    clash = laptop.replace("<SSN>LR9NKZ7</SSN>", "<SSN>SERIAL-2</SSN>").replace(
        "lt-0042-2026-11-20-09-00-00", "lt-0042-reinstalled"
    )
    response = post(zlib.compress(clash.encode()), secret)
    assert response.status_code == 200
    assert response["X-Steward-Outcome"] == "review"
    waiting = InventorySubmission.objects.get(status=SubmissionStatus.REVIEW)
    assert set(waiting.candidates) == {
        ConfigurationItem.objects.exclude(pk=other.pk).get().pk,
        other.pk,
    }
    assert waiting.deviceid == "lt-0042-reinstalled"
    assert bytes(waiting.raw)[:2] == b"\x78\x9c"
