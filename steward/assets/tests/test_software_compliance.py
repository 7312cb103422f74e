"""Compliance on a small estate with the figures worked out by hand, seat rules per
licence type, and the renewal alerts at 90, 60 and 30 days (each once)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from steward.assets import compliance, licensing, renewals, services
from steward.assets.models import LicenceType, Status
from steward.assets.tests.software_fixtures import cores, install, licence, product
from steward.core.jobs import job_execute, job_start
from steward.core.models import Schedule
from steward.core.permissions import Role
from steward.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(world, make_asset):
    """Four devices (the fourth retired) and five products:

    - Visio, per device, 2 bought (+10 expired, +5 starting next month): installed on
      A1, A2, A3 and the retired A4 → 3 devices against 2: over-deployed by 1.
    - WinRAR, needs a licence, none bought, on A1 → 1 device against 0: over by 1.
    - SQL Server, per core, 8 cores: on A1 (4 cores) and A2 (core count unknown: 1) → 5
      against 8: 3 unused.
    - Office, per user 3 + subscription 2 expiring in 20 days: seats to the employee (both
      licences) and the agent → 2 people against 5: 3 unused, 2 expiring.
    - Firefox, free, everywhere: not in the report.
    """
    today = timezone.localdate()
    a1, a2, a3, a4 = (make_asset() for _ in range(4))
    services.asset_transition(asset=a4, status=Status.RETIRED, actor=world["manager"])
    cores(a1, 4)
    cores(a2, None)
    visio, winrar = product("Visio"), product("WinRAR", "win.rar GmbH")
    sql, office = product("SQL Server"), product("Office 365 ProPlus")
    firefox = product("Firefox", "Mozilla", required=False)
    for device in (a1, a2, a3, a4):
        install(device, visio)
        install(device, firefox)
    install(a1, winrar)
    install(a1, sql)
    install(a2, sql)
    licence(visio, LicenceType.PER_DEVICE, 2)
    licence(visio, LicenceType.PER_DEVICE, 10, start=-400, days=-1)
    licence(visio, LicenceType.PER_DEVICE, 5, start=30)
    licence(sql, LicenceType.PER_CORE, 8)
    per_user = licence(office, LicenceType.PER_USER, 3, days=400)
    subscription = licence(office, LicenceType.SUBSCRIPTION, 2, days=20)
    for lic, person in (
        (per_user, "employee"),
        (per_user, "agent_person"),
        (subscription, "employee"),
    ):
        licensing.licence_seat_assign(licence=lic, person=world[person], actor=world["manager"])
    return {"today": today, "visio": visio, "winrar": winrar, "sql": sql, "office": office,
            "firefox": firefox, "devices": (a1, a2, a3, a4)}  # fmt: skip


def test_compliance_figures_match_the_hand_count(estate):
    rows = compliance.compliance()
    got = [
        (r.product, r.metric, r.entitled, r.consumed, r.over_deployed, r.unused, r.expiring)
        for r in rows
    ]
    assert got == [
        ("Visio", "devices", 2, 3, 1, 0, 0),
        ("WinRAR", "devices", 0, 1, 1, 0, 0),
        ("Office 365 ProPlus", "users", 5, 2, 0, 3, 2),
        ("SQL Server", "cores", 8, 5, 0, 3, 0),
    ]
    office = rows[2]
    assert office.next_expiry == estate["today"] + datetime.timedelta(days=20)
    assert [r.status for r in rows] == ["over_deployed", "over_deployed", "expiring", "unused"]


def test_compliance_is_a_fixed_number_of_queries(estate, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        compliance.compliance()


def test_compliance_for_one_product(estate):
    rows = compliance.compliance(product_ids={estate["sql"].pk})
    assert [(r.product, r.consumed) for r in rows] == [("SQL Server", 5)]


def test_table_and_chart_carry_every_row(estate):
    rows = compliance.compliance()
    header, body = compliance.table(rows)
    assert len(header) == len(body[0]) and body[0][:5] == [
        "Visio",
        "Microsoft Corporation",
        "devices",
        2,
        3,
    ]
    chart = compliance.chart(rows)
    assert chart["datasets"][0]["data"] == [2, 0, 5, 8]


# --- seats ----------------------------------------------------------------------------------


def test_per_user_seats_go_to_people_once_each_up_to_the_quantity(world, make_asset):
    lic = licence(product("Project"), LicenceType.PER_USER, 1)
    manager = world["manager"]
    with pytest.raises(ValidationError, match="go to people"):
        licensing.licence_seat_assign(licence=lic, asset=make_asset(), actor=manager)
    licensing.licence_seat_assign(licence=lic, person=world["employee"], actor=manager)
    with pytest.raises(ValidationError, match="No seat left"):
        licensing.licence_seat_assign(licence=lic, person=world["agent_person"], actor=manager)
    lic.quantity = 5
    lic.save()
    with pytest.raises(ValidationError):
        licensing.licence_seat_assign(licence=lic, person=world["employee"], actor=manager)


def test_per_device_seats_go_to_devices_in_use(world, make_asset):
    lic = licence(product("Visio"), LicenceType.PER_DEVICE, 5)
    manager = world["manager"]
    with pytest.raises(ValidationError, match="go to devices"):
        licensing.licence_seat_assign(licence=lic, person=world["employee"], actor=manager)
    retired = make_asset()
    services.asset_transition(asset=retired, status=Status.RETIRED, actor=manager)  # stale copy
    with pytest.raises(ValidationError, match="retired"):
        licensing.licence_seat_assign(licence=lic, asset=retired, actor=manager)
    seat = licensing.licence_seat_assign(licence=lic, asset=make_asset(), actor=manager)
    assert seat.asset_id and licensing.seats_used(lic) == 1


def test_per_core_seats_count_the_cores_of_their_devices(world, make_asset):
    lic = licence(product("SQL Server"), LicenceType.PER_CORE, 6)
    manager = world["manager"]
    big, other, unknown = make_asset(), make_asset(), make_asset()
    cores(big, 4)
    cores(other, 4)
    licensing.licence_seat_assign(licence=lic, asset=big, actor=manager)
    with pytest.raises(ValidationError, match="No seat left"):
        licensing.licence_seat_assign(licence=lic, asset=other, actor=manager)
    licensing.licence_seat_assign(licence=lic, asset=unknown, actor=manager)
    assert licensing.seats_used(lic) == 5


def test_expired_licences_and_inactive_people_get_no_seat(world):
    manager = world["manager"]
    expired = licence(product("Old"), LicenceType.PER_USER, 5, start=-400, days=-1)
    with pytest.raises(ValidationError, match="expired"):
        licensing.licence_seat_assign(licence=expired, person=world["employee"], actor=manager)
    lic = licence(product("New"), LicenceType.SUBSCRIPTION, 5)
    gone = world["agent_person"]
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError, match="no longer active"):
        licensing.licence_seat_assign(licence=lic, person=gone, actor=manager)


def test_agents_may_not_give_seats(world):
    lic = licence(product("Project"), LicenceType.PER_USER, 5)
    with pytest.raises(PermissionDenied):
        licensing.licence_seat_assign(
            licence=lic, person=world["employee"], actor=world["users"][Role.AGENT]
        )


# --- renewal alerts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "threshold"), [(91, None), (90, 90), (61, 90), (60, 60), (31, 60), (30, 30), (0, 30)]
)
def test_threshold_for_days_left(days, threshold):
    assert renewals.threshold_for(days) == threshold


def test_each_threshold_is_alerted_once_to_the_owner_and_asset_managers(world):
    today = timezone.localdate()
    owner = world["users"][Role.IT_MANAGER]
    lic = licence(product("Acrobat", "Adobe Inc."), LicenceType.PER_USER, 10, days=85, owner=owner)
    licence(product("Far"), LicenceType.PER_USER, 1, days=200)
    Notification.objects.all().delete()

    assert renewals.renewal_alerts(today=today) == {"90": 1, "60": 0, "30": 0}
    recipients = set(
        Notification.objects.filter(event=renewals.EVENT).values_list("recipient", flat=True)
    )
    assert recipients == {owner.pk, world["manager"].pk}
    assert renewals.renewal_alerts(today=today) == {"90": 0, "60": 0, "30": 0}
    later = today + datetime.timedelta(days=26)  # 59 days left
    assert renewals.renewal_alerts(today=later) == {"90": 0, "60": 1, "30": 0}
    assert renewals.renewal_alerts(today=later) == {"90": 0, "60": 0, "30": 0}
    last = today + datetime.timedelta(days=80)  # 5 days left
    assert renewals.renewal_alerts(today=last) == {"90": 0, "60": 0, "30": 1}
    assert renewals.renewal_alerts(today=last) == {"90": 0, "60": 0, "30": 0}
    assert Notification.objects.filter(event=renewals.EVENT).count() == 6  # 3 alerts x 2 people

    licensing.licence_update(
        licence=lic,
        data={"expiry_date": today + datetime.timedelta(days=60)},
        actor=world["manager"],
    )
    assert renewals.renewal_alerts(today=today) == {"90": 0, "60": 1, "30": 0}


def test_a_licence_found_late_gets_only_the_nearest_alert(world):
    licence(product("Late"), LicenceType.PER_USER, 1, days=10)
    assert renewals.renewal_alerts() == {"90": 0, "60": 0, "30": 1}
    assert renewals.renewal_alerts() == {"90": 0, "60": 0, "30": 0}


def test_renewal_alerts_run_as_a_daily_scheduled_job(world):
    licence(product("Late"), LicenceType.PER_USER, 1, days=45)
    renewals.ensure_schedule(sender=None)
    schedule = Schedule.objects.get(handler=renewals.HANDLER)
    assert schedule.interval_seconds == 24 * 3600
    job = job_execute(job_start(handler=renewals.HANDLER, name="test"))
    assert job.status == "succeeded" and job.result == {"90": 0, "60": 1, "30": 0}


def test_expiring_card_counts_licences_within_90_days(world):
    licence(product("A"), LicenceType.PER_USER, 1, days=10)
    licence(product("B"), LicenceType.PER_USER, 1, days=200)
    licence(product("C"), LicenceType.PER_USER, 1, start=-400, days=-3)
    assert renewals.expiring_count() == 1
