"""The real agents (Debian's fusioninventory-agent and ocsinventory-agent) inventory this
machine into Steward over HTTP on 127.0.0.1, under ``env -i``. Without an agent binary the
test skips outside CI and fails under CI=true (.ci/run installs both)."""

from __future__ import annotations

import base64
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import require_service
from steward.assets.models import DeviceOS, Installation
from steward.cmdb.discovery import services
from steward.cmdb.models import ConfigurationItem, DiscoveryAgent, InventorySubmission
from steward.org.models import Organisation, OrganisationKind

FI = "/usr/bin/fusioninventory-agent"
OCS = "/usr/bin/ocsinventory-agent"
INJECTOR = "/usr/bin/fusioninventory-injector"
HOSTNAME = socket.gethostname().split(".")[0]
ENV = ["env", "-i", "PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LANG=C.UTF-8"]
FIXTURES = Path(__file__).parent / "fixtures" / "inventory"

pytestmark = pytest.mark.django_db(transaction=True)


def need(binary: str) -> None:
    require_service(f"{Path(binary).name} (Debian package)", shutil.which(binary) is not None)


@pytest.fixture
def secret(live_server, make_user):
    Organisation.objects.create(name="Northwind IT", kind=OrganisationKind.INTERNAL)
    _token, value = services.token_create(data={"name": "this machine"}, actor=make_user("admin"))
    return value


def run(command: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [*ENV, f"HOME={home}", *command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def this_machine() -> ConfigurationItem:
    item = ConfigurationItem.objects.get(hostname__iexact=HOSTNAME)
    assert item.asset is not None
    return item


def packages_of(item: ConfigurationItem) -> set[str]:
    return set(
        Installation.objects.filter(asset=item.asset).values_list("product__name", flat=True)
    )


def test_fusioninventory_agent_inventories_this_machine(live_server, secret, tmp_path):
    need(FI)
    conf = tmp_path / "agent.cfg"
    conf.write_text("")
    done = run(
        [
            FI,
            "--server",
            f"{live_server.url}/inventory/",
            "--user",
            "agent",
            "--password",
            secret,
            "--no-httpd",
            "--logger=stderr",
            "--debug",
            f"--conf-file={conf}",
            "--no-category=process,environment,local_user,local_group",
            "--tag=steward-test",
        ],
        tmp_path,
    )
    log = done.stdout + done.stderr
    assert "authentication required, submitting credentials" in log
    item = this_machine()
    assert {"bash", "python3"} <= packages_of(item)
    assert len(packages_of(item)) > 100
    os_ = DeviceOS.objects.get(asset=item.asset)
    assert os_.os_name
    agent = DiscoveryAgent.objects.get()
    assert agent.user_agent.startswith("FusionInventory-Agent")
    assert agent.configuration_item == item
    assert agent.last_prolog_at is not None and agent.last_boot_at is not None
    assert agent.facts["tag"] == "steward-test"
    assert not InventorySubmission.objects.exclude(reason_code="bad_token").exists()


def test_ocsinventory_agent_inventories_this_machine(live_server, secret, tmp_path):
    need(OCS)
    user = base64.b64encode(b"agent").decode()
    password = base64.b64encode(secret.encode()).decode()
    run(
        [
            OCS,
            "--nolocal",
            "--server",
            f"{live_server.url}/inventory/",
            f"--basevardir={tmp_path / 'var'}",
            f"--user={user}",
            f"--password={password}",
            "--realm=Steward inventory",
            "--tag=steward-test",
            "--debug",
        ],
        tmp_path,
    )
    item = this_machine()
    assert {"bash", "python3"} <= packages_of(item)
    agent = DiscoveryAgent.objects.get()
    assert agent.user_agent.startswith("OCS-NG_unified_unix_agent")
    assert DeviceOS.objects.get(asset=item.asset).os_name.startswith("Debian")


def test_injector_replays_a_saved_inventory_without_prolog(live_server, secret, tmp_path):
    need(INJECTOR)
    saved = tmp_path / "laptop.ocs"
    saved.write_bytes((FIXTURES / "fusioninventory-laptop.xml").read_bytes())
    done = run(
        [INJECTOR, "-v", "-f", str(saved), "-u", f"{live_server.url}/inventory/?token={secret}"],
        tmp_path,
    )
    assert "OK" in done.stdout + done.stderr
    item = ConfigurationItem.objects.get(hostname="lt-0042")
    assert item.ci_class == "hardware" and item.serial_number == "LR9NKZ7"
    assert DiscoveryAgent.objects.get().user_agent == "FusionInventory-Injector"


def test_injector_without_token_is_refused(live_server, secret, tmp_path):
    need(INJECTOR)
    saved = tmp_path / "laptop.ocs"
    saved.write_bytes((FIXTURES / "ocsinventory-inventory.xml").read_bytes())
    done = subprocess.run(
        [
            *ENV,
            f"HOME={tmp_path}",
            INJECTOR,
            "-v",
            "-f",
            str(saved),
            "-u",
            f"{live_server.url}/inventory/",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "ERROR: unauthenticated" in done.stdout
    assert "were not sent" in done.stderr
    assert not ConfigurationItem.objects.exists()
