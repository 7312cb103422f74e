"""The API: create, transition, conflicts and risk actions, permissions per role, hostile
input answering 400, query budgets on lists."""

from __future__ import annotations

import pytest

from steward.changes.models import ChangeRequest, ChangeState, ChangeTemplate, WindowKind
from steward.core.testing import query_budget

from .conftest import at

pytestmark = pytest.mark.django_db
URL = "/api/changes/change-requests/"


def _body(estate, **extra):
    return {
        "title": "Patch vm-erp",
        "configuration_items": [estate["vm"].pk],
        "planned_start": at(days=10).isoformat(),
        "planned_end": at(days=10, hours=2).isoformat(),
        "implementation_plan": "apt upgrade",
        "backout_plan": "snapshot",
        **extra,
    }


def test_agent_creates_moves_and_reads_risk_and_conflicts(api, world, estate, make_change):
    client = api(world["agent"])
    response = client.post(URL, _body(estate), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"] == f"CHG-{data['id']}" and data["state"] == "draft"
    assert data["configuration_items"] == [estate["vm"].pk]
    pk = data["id"]
    response = client.post(f"{URL}{pk}/transition/", {"state": "assessment"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["risk_level"] in ("low", "medium", "high")
    other = make_change(estate["vm"], start=at(days=10, hours=1))
    response = client.get(f"{URL}{pk}/conflicts/")
    assert response.status_code == 200
    assert [c["change_id"] for c in response.json()] == [other.pk]
    response = client.post(f"{URL}{pk}/risk/")
    assert response.status_code == 200
    assert {r["factor"] for r in response.json()["reasons"]} >= {"services", "window"}


def test_transition_errors_are_400s(api, world, estate):
    client = api(world["agent"])
    pk = client.post(URL, _body(estate), format="json").json()["id"]
    for body in (
        {"state": "closed"},
        {"state": "nowhere"},
        {"state": "assessment", "extra": 1},
        [],
        {"state": "review", "outcome": "meh"},
        {"state": "assessment", "cab_team_id": 2**70},
    ):
        response = client.post(f"{URL}{pk}/transition/", body, format="json")
        assert response.status_code == 400, (body, response.content)


@pytest.mark.parametrize(
    "patch",
    [
        {"configuration_items": [2**63]},
        {"configuration_items": ["x"]},
        {"configuration_items": [999999]},
        {"configuration_items": "1"},
        {"template": 2**70},
        {"template": "x"},
        {"owner": 2**70},
        {"assignment_team": 2**63 + 5},
        {"planned_start": "not a date"},
        {"planned_end": at(days=9).isoformat()},
        {"change_type": "sneaky"},
        {"state": "closed"},
        {"risk_score": 1},
        {"title": "x" * 300},
        {"title": "nul \x00 byte"},
        {"unknown": 1},
    ],
)
def test_hostile_input_answers_400(api, world, estate, patch):
    response = api(world["agent"]).post(URL, _body(estate, **patch), format="json")
    assert response.status_code == 400, response.content
    assert ChangeRequest.objects.count() == 0


def test_hostile_filters_answer_400(api, world):
    client = api(world["agent"])
    for query in (
        "configuration_item=x",
        "configuration_item=99999999999999999999999",
        "template=-1",
        "assignment_team=2%5E70",
        "planned_after=yesterday",
        "state=nowhere",
    ):
        assert client.get(f"{URL}?{query}").status_code == 400, query


def test_reference_search(api, world, make_change):
    change = make_change(start=at(days=3), title="Rotate certificates")
    make_change(start=at(days=3), title="Other")
    client = api(world["agent"])
    for q in (change.reference, "certificates"):
        rows = client.get(URL, {"q": q}).json()["results"]
        assert [r["id"] for r in rows] == [change.pk]


def test_employee_reads_only_their_own_and_writes_nothing(api, world, make_change):
    mine = make_change(start=at(days=3), requester=world["employee"])
    make_change(start=at(days=3))
    client = api(world["employee"])
    rows = client.get(URL).json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert client.post(URL, {"title": "x"}, format="json").status_code == 403
    response = client.post(f"{URL}{mine.pk}/transition/", {"state": "cancelled"}, format="json")
    assert response.status_code == 403
    assert client.get("/api/changes/templates/").status_code == 403


def test_customer_contacts_see_nothing(api, world, make_change, make_window):
    change = make_change(start=at(days=3))
    make_window("Freeze", WindowKind.BLACKOUT, at(days=1), at(days=2))
    client = api(world["customer"])
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{change.pk}/").status_code in (403, 404)
    assert client.get(f"{URL}{change.pk}/conflicts/").status_code in (403, 404)
    assert client.get("/api/changes/windows/").status_code == 403
    assert client.post(URL, {"title": "x"}, format="json").status_code == 403


def test_changes_are_not_deleted_over_the_api(api, world, make_change):
    change = make_change(start=at(days=3))
    assert api(world["manager"]).delete(f"{URL}{change.pk}/").status_code in (403, 405)
    assert ChangeRequest.objects.filter(pk=change.pk).exists()


def test_windows_with_scope(api, world, estate):
    client = api(world["manager"])
    body = {
        "name": "ERP freeze",
        "kind": "blackout",
        "start": at(days=1).isoformat(),
        "end": at(days=2).isoformat(),
        "configuration_items": [estate["erp"].pk],
    }
    response = client.post("/api/changes/windows/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["configuration_items"] == [estate["erp"].pk]
    bad = {**body, "end": at(days=0).isoformat()}
    assert client.post("/api/changes/windows/", bad, format="json").status_code == 400
    assert api(world["agent"]).post("/api/changes/windows/", body, format="json").status_code == 403


def test_templates_are_kept_by_it_managers(api, world):
    body = {"name": "Restart a service", "implementation_plan": "systemctl restart"}
    assert (
        api(world["agent"]).post("/api/changes/templates/", body, format="json").status_code == 403
    )
    assert (
        api(world["manager"]).post("/api/changes/templates/", body, format="json").status_code
        == 201
    )
    assert ChangeTemplate.objects.count() == 1


def test_list_query_budget(api, world, estate, make_change):
    for n in range(20):
        make_change(estate["vm"], estate["app"], start=at(days=n), title=f"Change {n}")
    client = api(world["agent"])
    client.get(URL)  # warm caches
    with query_budget(8):
        response = client.get(URL)
    assert len(response.json()["results"]) == 20


def test_window_list_query_budget(api, world, estate, make_window):
    for n in range(20):
        make_window(f"W{n}", WindowKind.MAINTENANCE, at(days=n), at(days=n, hours=4), estate["vm"])
    client = api(world["agent"])
    client.get("/api/changes/windows/")
    with query_budget(8):
        response = client.get("/api/changes/windows/")
    assert len(response.json()["results"]) == 20


def test_schema_is_valid():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = [p for p in schema["paths"] if p.startswith("/api/changes/")]
    assert "/api/changes/change-requests/{id}/transition/" in paths
    assert "/api/changes/change-requests/{id}/conflicts/" in paths


def test_state_constants_match():
    assert ChangeState.DRAFT == "draft"
