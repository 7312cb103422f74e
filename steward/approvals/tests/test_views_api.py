import pytest
from django.test import Client
from django.utils import timezone

from steward.approvals import services
from steward.approvals.models import ApprovalDecision, Delegation
from steward.approvals.services import StageSpec
from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def pending(world):
    return services.approval_request_create(
        obj=world["obj"],
        title="New laptop",
        requester=world["users"][Role.EMPLOYEE],
        stages=[
            StageSpec(kind="manager"),
            StageSpec(kind="person", user=world["users"][Role.ADMIN]),
        ],
    )


def test_my_approvals_lists_what_waits_for_me_including_delegated(world, pending):
    manager, agent = world["users"][Role.IT_MANAGER], world["users"][Role.AGENT]
    assert "New laptop" in _login(manager).get("/approvals/").content.decode()
    assert "New laptop" not in _login(agent).get("/approvals/").content.decode()
    Delegation.objects.create(from_user=manager, to_user=agent, start=timezone.localdate())
    page = _login(agent).get("/approvals/").content.decode()
    assert "New laptop" in page and "delegate" in page


def test_detail_is_hidden_from_people_not_involved(world, pending):
    assert _login(world["users"][Role.AGENT]).get(f"/approvals/{pending.pk}/").status_code == 404
    assert _login(world["users"][Role.EMPLOYEE]).get(f"/approvals/{pending.pk}/").status_code == 200
    contact = world["users"]["acme_contact"]
    assert _login(contact).get(f"/approvals/{pending.pk}/").status_code == 404


def test_htmx_approve_swaps_the_panel_and_opens_the_next_stage(world, pending):
    client = _login(world["users"][Role.IT_MANAGER])
    page = client.get(f"/approvals/{pending.pk}/").content.decode()
    assert 'hx-post="/approvals/' in page and 'value="approve"' in page
    with query_budget(60):
        response = client.post(
            f"/approvals/{pending.pk}/decide/",
            {"decision": "approve", "comment": "fine"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<section id="approval-panel"') and "fine" in body
    assert 'value="approve"' not in body
    stage1, stage2 = pending.stages.order_by("position")
    assert (stage1.status, stage2.status) == ("approved", "pending")
    assert ApprovalDecision.objects.get().via == "web"


def test_decision_by_someone_not_allowed_answers_403_without_a_decision(world, pending):
    response = _login(world["users"][Role.EMPLOYEE]).post(
        f"/approvals/{pending.pk}/decide/", {"decision": "approve"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert not ApprovalDecision.objects.exists()


def test_bad_decision_value_answers_400(world, pending):
    response = _login(world["users"][Role.IT_MANAGER]).post(
        f"/approvals/{pending.pk}/decide/", {"decision": "maybe"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert not ApprovalDecision.objects.exists()


def test_api_lists_pending_for_me_and_approves(world, pending, api):
    manager = world["users"][Role.IT_MANAGER]
    client = api(manager)
    with query_budget(12):
        listed = client.get("/api/approvals/requests/?pending_for_me=true")
    assert [r["id"] for r in listed.json()["results"]] == [pending.pk]
    response = client.post(f"/api/approvals/requests/{pending.pk}/approve/", {"comment": "ok"})
    assert response.status_code == 200, response.content
    stages = response.json()["stages"]
    assert stages[0]["status"] == "approved" and stages[0]["decisions"][0]["via"] == "api"
    assert client.get("/api/approvals/requests/?pending_for_me=true").json()["results"] == []


def test_api_reject_by_a_non_approver_is_403_and_unknown_fields_400(world, pending, api):
    employee = world["users"][Role.EMPLOYEE]
    response = api(employee).post(f"/api/approvals/requests/{pending.pk}/reject/", {})
    assert response.status_code == 403 and response.json()["type"] == "permission_denied"
    manager = world["users"][Role.IT_MANAGER]
    bad = api(manager).post(f"/api/approvals/requests/{pending.pk}/reject/", {"vote": "no"})
    assert bad.status_code == 400 and "vote" in bad.json()["errors"]
    assert (
        api(world["users"][Role.AGENT])
        .post(f"/api/approvals/requests/{pending.pk}/approve/")
        .status_code
        == 404
    )


def test_api_decision_on_a_closed_request_is_400(world, pending, api):
    services.approval_request_cancel(request=pending, actor=world["users"][Role.EMPLOYEE])
    response = api(world["users"][Role.IT_MANAGER]).post(
        f"/api/approvals/requests/{pending.pk}/approve/"
    )
    assert response.status_code == 400 and response.json()["type"] == "validation_error"


def test_approval_requests_cannot_be_created_or_changed_through_the_api(world, pending, api):
    client = api(world["users"][Role.ADMIN])
    assert client.post("/api/approvals/requests/", {"title": "x"}).status_code in {403, 405}
    assert client.patch(f"/api/approvals/requests/{pending.pk}/", {"title": "x"}).status_code in {
        403,
        405,
    }


def test_delegations_api_creates_own_and_validates_dates(world, api):
    agent, admin = world["users"][Role.AGENT], world["users"][Role.ADMIN]
    client = api(agent)
    ok = client.post(
        "/api/approvals/delegations/", {"to_user": admin.pk, "start": "2030-01-01", "end": None}
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["from_user"] == agent.pk
    bad = client.post(
        "/api/approvals/delegations/",
        {"to_user": admin.pk, "start": "2030-01-05", "end": "2030-01-01"},
    )
    assert bad.status_code == 400 and "end" in bad.json()["errors"]
    other = api(world["users"][Role.EMPLOYEE]).get("/api/approvals/delegations/")
    assert other.json()["results"] == []


def test_delegation_page_creates_and_ends_a_delegation(world):
    agent, admin = world["users"][Role.AGENT], world["users"][Role.ADMIN]
    client = _login(agent)
    assert "Nobody delegated to you." in client.get("/approvals/delegations/").content.decode()
    today = timezone.localdate().isoformat()
    assert (
        client.post("/approvals/delegations/", {"to_user": admin.pk, "start": today}).status_code
        == 302
    )
    delegation = Delegation.objects.get(from_user=agent)
    assert client.post(f"/approvals/delegations/{delegation.pk}/end/").status_code == 302
    assert not Delegation.objects.active(timezone.localdate()).filter(from_user=agent).exists()


def test_lists_stay_within_their_query_budget_as_requests_grow(world, api):
    manager = world["users"][Role.IT_MANAGER]
    for i in range(10):
        services.approval_request_create(
            obj=world["obj"],
            title=f"Laptop {i}",
            requester=world["users"][Role.EMPLOYEE],
            stages=[StageSpec(kind="manager")],
        )
    client, page = api(manager), _login(manager)
    client.get("/api/approvals/requests/")
    with query_budget(12):
        listed = client.get("/api/approvals/requests/?pending_for_me=true")
    assert len(listed.json()["results"]) == 10
    with query_budget(16):
        assert "Laptop 9" in page.get("/approvals/").content.decode()


def test_detail_and_api_show_when_and_to_whom_a_stage_escalates(world, api):
    import datetime

    from steward.approvals import reminders

    admin, manager = world["users"][Role.ADMIN], world["users"][Role.IT_MANAGER]
    request = services.approval_request_create(
        obj=world["obj"],
        title="Firewall rule",
        requester=world["users"][Role.EMPLOYEE],
        stages=[StageSpec(kind="manager", timeout=datetime.timedelta(hours=8), escalate_to=admin)],
    )
    page = _login(manager).get(f"/approvals/{request.pk}/").content.decode()
    assert f"Escalates to {admin}" in page and "if still pending" in page
    stage = request.stages.get()
    (listed,) = api(manager).get("/api/approvals/requests/").json()["results"]
    assert listed["stages"][0]["escalate_to"] == admin.pk
    assert listed["stages"][0]["timeout"] == "08:00:00"
    assert listed["stages"][0]["escalated_at"] is None
    reminders.escalate_overdue(now=stage.opened_at + datetime.timedelta(hours=9))
    page = _login(admin).get(f"/approvals/{request.pk}/").content.decode()
    assert f"Escalated to {admin}" in page and 'value="approve"' in page
