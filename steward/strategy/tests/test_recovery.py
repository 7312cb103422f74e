"""The recovery order on a known graph, RPO flags, and the backup-report API.

The graph (``A -> B``: A needs B)::

    svc1 -> app -> db -> vm2 -> host
            app -> vm1 -> host          (host: a shared dependency)
            app -> auth-x <-> auth-y    (a cycle)
    svc2 -> db

All of medium criticality, so ties go by name. Ready at first: the auth-x/auth-y cycle and
host; then vm1 and vm2; then db; then app and svc2; then svc1.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.cmdb.models import ConfigurationItem, Relationship
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.strategy import recovery
from steward.strategy.models import BackupReport, RecoveryPlan, RecoveryTarget

pytestmark = pytest.mark.django_db
BASE = "/api/strategy"
NOW = timezone.now().replace(microsecond=0)


def _ci(world, name, ci_class="server"):
    return ConfigurationItem.objects.create(
        name=name, ci_class=ci_class, organisation=world["internal"]
    )


def _needs(a, b, kind="depends_on"):
    Relationship.objects.create(source=a, target=b, kind=kind)


@pytest.fixture
def graph(org_world):
    users = org_world["users"]
    w = {**org_world, "manager": users[Role.IT_MANAGER], "agent": users[Role.AGENT]}
    w["employee"], w["customer"] = users[Role.EMPLOYEE], users["acme_contact"]
    c = {
        n: _ci(w, n, cls)
        for n, cls in (
            ("svc1", "business_service"),
            ("svc2", "business_service"),
            ("app", "application"),
            ("db", "database"),
            ("vm1", "virtual_machine"),
            ("vm2", "virtual_machine"),
            ("host", "server"),
            ("auth-x", "application"),
            ("auth-y", "application"),
        )
    }
    _needs(c["svc1"], c["app"])
    _needs(c["svc2"], c["db"])
    _needs(c["app"], c["db"])
    _needs(c["app"], c["vm1"], "runs_on")
    _needs(c["db"], c["vm2"], "runs_on")
    _needs(c["vm1"], c["host"], "runs_on")
    _needs(c["vm2"], c["host"], "runs_on")
    _needs(c["app"], c["auth-x"])
    _needs(c["auth-x"], c["auth-y"])
    _needs(c["auth-y"], c["auth-x"])
    plan = RecoveryPlan.objects.create(name="Ransomware", scenario="ransomware")
    RecoveryTarget.objects.create(plan=plan, service=c["svc1"], rto_minutes=120, rpo_minutes=60)
    RecoveryTarget.objects.create(plan=plan, service=c["svc2"], rto_minutes=240, rpo_minutes=1440)
    return {**w, "ci": c, "plan": plan}


def _report(ci, minutes_ago, status="success", job="nightly"):
    return BackupReport.objects.create(
        configuration_item=ci,
        job=job,
        finished_at=NOW - datetime.timedelta(minutes=minutes_ago),
        status=status,
    )


def _names(result):
    return [[i["name"] for i in step["items"]] for step in result["steps"]]


def test_recovery_order_on_a_known_graph(graph):
    result = recovery.plan_recovery(plan=graph["plan"], user=graph["manager"], now=NOW)
    assert _names(result) == [
        ["auth-x", "auth-y"],
        ["host"],
        ["vm1"],
        ["vm2"],
        ["db"],
        ["app"],
        ["svc1"],
        ["svc2"],
    ]
    assert [s["cycle"] for s in result["steps"]] == [True] + [False] * 7
    assert len(result["cycles"]) == 1
    app = result["steps"][5]["items"][0]
    assert app["needs"] == ["auth-x", "db", "vm1"]


def test_every_item_comes_back_after_what_it_needs(graph):
    result = recovery.plan_recovery(plan=graph["plan"], user=graph["manager"], now=NOW)
    step_of = {i["name"]: s["step"] for s in result["steps"] for i in s["items"]}
    for rel in Relationship.objects.select_related("source", "target"):
        assert step_of[rel.source.name] >= step_of[rel.target.name]


def test_order_pure_function_handles_self_loops_and_long_cycles():
    nodes = {i: {"name": f"n{i}", "criticality": 0} for i in range(1, 6)}
    edges = [(1, 2), (2, 3), (3, 1), (4, 4), (5, 1)]
    steps = recovery.order(nodes, edges)
    assert [[*s["items"]] for s in steps] == [[1, 2, 3], [4], [5]]
    assert [s["cycle"] for s in steps] == [True, True, False]


def test_rpo_flags(graph):
    c = graph["ci"]
    _report(c["db"], 120)  # needed by svc1 (RPO 60): breached
    _report(c["db"], 10, status="failed")  # a later failure does not help
    _report(c["vm1"], 30)  # RPO 60: fine
    _report(c["vm2"], 5, status="failed")  # reports but never a success: breached
    _report(c["svc2"], 600)  # its own RPO is 1,440: fine
    result = recovery.plan_recovery(plan=graph["plan"], user=graph["manager"], now=NOW)
    items = {i["name"]: i for s in result["steps"] for i in s["items"]}
    assert items["db"]["rpo_minutes"] == 60 and items["db"]["backup"] == "breach"
    assert items["db"]["age_minutes"] == 120
    assert items["vm1"]["backup"] == "ok"
    assert items["vm2"]["backup"] == "breach"
    assert items["svc2"]["rpo_minutes"] == 1440 and items["svc2"]["backup"] == "ok"
    assert items["host"]["backup"] == "none"
    assert result["breaches"] == 2


def test_recovery_order_queries_do_not_grow_with_the_graph(graph):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            recovery.plan_recovery(plan=graph["plan"], user=graph["manager"], now=NOW)
        return len(ctx.captured_queries)

    count()  # warm: roles
    small = count()
    host = graph["ci"]["host"]
    for n in range(40):
        vm = _ci(graph, f"extra-vm-{n}", "virtual_machine")
        _needs(graph["ci"]["app"], vm, "runs_on")
        _needs(vm, host, "runs_on")
        _report(vm, n)
    assert count() == small <= 7


def test_recovery_order_api_and_page(graph, api, client):
    response = api(graph["agent"]).get(f"{BASE}/recovery-plans/{graph['plan'].pk}/order/")
    assert response.status_code == 200, response.content
    assert [i["name"] for i in response.json()["steps"][0]["items"]] == ["auth-x", "auth-y"]
    client.force_login(graph["manager"])
    page = client.get(f"/strategy/recovery-plans/{graph['plan'].pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="recovery-order"' in html and 'id="recovery-cycles"' in html
    table = html[html.index('id="recovery-order"') :]
    assert table.index(">host<") < table.index(">db<") < table.index(">svc1<")


def _body(graph, **fields):
    return {
        "configuration_item": graph["ci"]["db"].pk,
        "job": "nightly-db",
        "finished_at": "2026-01-10T02:00:00Z",
        "status": "success",
        "size_bytes": 123456789,
        **fields,
    }


def test_backup_report_is_idempotent(graph, api):
    client = api(graph["manager"])
    first = client.post(f"{BASE}/backup-reports/", _body(graph), format="json")
    assert first.status_code == 201, first.json()
    again = client.post(f"{BASE}/backup-reports/", _body(graph), format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert BackupReport.objects.count() == 1
    other_job = client.post(f"{BASE}/backup-reports/", _body(graph, job="weekly"), format="json")
    assert other_job.status_code == 201
    assert AuditEntry.objects.filter(object_id=str(first.json()["id"]), action="create").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"configuration_item": "x"}, "configuration_item"),
        ({"configuration_item": 99999999999999999999}, "configuration_item"),
        ({"configuration_item": None}, "configuration_item"),
        ({"finished_at": "yesterday"}, "finished_at"),
        ({"finished_at": "2999-01-01T00:00:00Z"}, "finished_at"),
        ({"status": "meh"}, "status"),
        ({"size_bytes": -1}, "size_bytes"),
        ({"size_bytes": 10**30}, "size_bytes"),
        ({"job": ""}, "job"),
        ({"job": "j" * 201}, "job"),
        ({"message": "m" * 2001}, "message"),
        ({"job": ["a"]}, "job"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_backup_report_is_a_precise_400(graph, api, fields, field):
    response = api(graph["manager"]).post(
        f"{BASE}/backup-reports/", _body(graph, **fields), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in str(response.json()), response.json()
    assert not BackupReport.objects.exists()


def test_backup_report_body_must_be_an_object(graph, api):
    response = api(graph["manager"]).post(f"{BASE}/backup-reports/", [1, 2], format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path", ["recovery-plans", "recovery-targets", "backup-reports", "exercises", "growth-plans"]
)
def test_staff_read_managers_write_employees_and_customers_nothing(graph, api, path):
    assert api(graph["agent"]).get(f"{BASE}/{path}/").status_code == 200
    for who in ("employee", "customer"):
        assert api(graph[who]).get(f"{BASE}/{path}/").status_code == 403
    response = api(graph["agent"]).post(f"{BASE}/backup-reports/", _body(graph), format="json")
    assert response.status_code == 403
    assert api(graph["customer"]).get(
        f"{BASE}/recovery-plans/{graph['plan'].pk}/order/"
    ).status_code in (403, 404)


@pytest.mark.parametrize("path", ["backup-reports", "recovery-targets", "exercise-actions"])
def test_lists_keep_their_query_budget(graph, api, path):
    from steward.strategy.models import Exercise, ExerciseAction

    exercise = Exercise.objects.create(name="Tabletop", held_on=NOW.date(), plan=graph["plan"])
    for n in range(30):
        _report(graph["ci"]["db"], n, job=f"job-{n}")
        ExerciseAction.objects.create(exercise=exercise, finding="f", action=f"a{n}")
    client = api(graph["manager"])
    client.get(f"{BASE}/{path}/")
    with query_budget(6):
        response = client.get(f"{BASE}/{path}/")
    assert response.status_code == 200


def test_pages_for_staff_not_for_customers(graph, client):
    client.force_login(graph["agent"])
    for url in (
        "/strategy/recovery-plans/",
        "/strategy/backup-reports/",
        "/strategy/exercises/",
        "/strategy/growth-plans/",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(graph["customer"])
    assert client.get("/strategy/recovery-plans/").status_code in (403, 404)
    assert client.get(f"/strategy/recovery-plans/{graph['plan'].pk}/").status_code in (403, 404)
