"""Problem management: lifecycle, incidents linked (and similar ones suggested and attached
in one action), the known-error record sent to the knowledge base, tasks, API and pages,
permissions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from steward.changes import problems
from steward.changes.models import Problem, ProblemIncident, ProblemState
from steward.core.testing import PASSWORD, query_budget

pytestmark = pytest.mark.django_db
P = ProblemState


def _problem(world, **data):
    data.setdefault("title", "VPN drops every morning")
    return problems.problem_create(data=data, actor=world["agent"])


def test_lifecycle_needs_a_workaround_then_a_root_cause(world):
    problem = _problem(world)
    assert problem.state == P.NEW and problem.reference == f"PRB-{problem.pk}"
    problems.problem_transition(problem=problem, state=P.INVESTIGATING, actor=world["agent"])
    with pytest.raises(ValidationError) as exc:
        problems.problem_transition(problem=problem, state=P.KNOWN_ERROR, actor=world["agent"])
    assert "workaround" in exc.value.message_dict
    problems.problem_update(
        problem=problem, data={"workaround": "Reconnect after 9:05."}, actor=world["agent"]
    )
    problem = problems.problem_transition(
        problem=problem, state=P.KNOWN_ERROR, actor=world["agent"]
    )
    with pytest.raises(ValidationError) as exc:
        problems.problem_transition(problem=problem, state=P.RESOLVED, actor=world["agent"])
    assert "root_cause" in exc.value.message_dict
    problems.problem_update(
        problem=problem, data={"root_cause": "DHCP lease storm at 9:00."}, actor=world["agent"]
    )
    problem = problems.problem_transition(problem=problem, state=P.RESOLVED, actor=world["agent"])
    assert problem.resolved_at is not None
    problems.problem_transition(problem=problem, state=P.CLOSED, actor=world["agent"])
    with pytest.raises(ValidationError):
        problems.problem_transition(problem=problem, state=P.NEW, actor=world["agent"])


def test_linking_incidents_is_idempotent_and_refuses_requests_and_unknown_ids(world, incident):
    problem = _problem(world)
    a, b = incident("VPN down"), incident("VPN down again")
    request = incident("New laptop", kind="request")
    assert (
        problems.problem_link_incidents(
            problem=problem, ticket_ids=[a.pk, b.pk, a.pk], actor=world["agent"]
        )
        == 2
    )
    assert (
        problems.problem_link_incidents(problem=problem, ticket_ids=[a.pk], actor=world["agent"])
        == 0
    )
    for bad in ([request.pk], [999999], ["x"]):
        with pytest.raises(ValidationError):
            problems.problem_link_incidents(problem=problem, ticket_ids=bad, actor=world["agent"])
    assert ProblemIncident.objects.filter(problem=problem).count() == 2
    problems.problem_unlink_incident(problem=problem, ticket_id=a.pk, actor=world["agent"])
    assert list(ProblemIncident.objects.values_list("ticket_id", flat=True)) == [b.pk]


def test_similar_incidents_are_scored_and_attached_in_one_action(world, incident):
    problem = _problem(world, title="VPN disconnects", description="VPN tunnel disconnects users")
    close = incident("VPN disconnects at 9", "the tunnel disconnects")
    partial = incident("VPN slow", "")
    unrelated = incident("Printer jam", "paper stuck")
    found = problems.similar_incidents(problem=problem, user=world["agent"])
    ids = [s["id"] for s in found]
    assert ids[0] == close.pk and partial.pk in ids and unrelated.pk not in ids
    assert found[0]["score"] == 0.75 and found[0]["shared"] == ["disconnects", "tunnel", "vpn"]
    assert problems.problem_attach_similar(problem=problem, actor=world["agent"]) == 1
    assert [s["id"] for s in problems.similar_incidents(problem=problem, user=world["agent"])] == [
        partial.pk
    ]


def test_known_error_goes_to_the_knowledge_base_for_review(world):
    from steward.knowledge.models import Article

    problem = _problem(world, description="Users lose VPN at 9:00")
    with pytest.raises(ValidationError):
        problems.problem_publish_known_error(problem=problem, actor=world["agent"])
    problems.problem_update(
        problem=problem,
        data={"workaround": "Reconnect after 9:05.", "root_cause": "DHCP storm"},
        actor=world["agent"],
    )
    article_id = problems.problem_publish_known_error(problem=problem, actor=world["agent"])
    article = Article.objects.get(pk=article_id)
    assert article.title == "Known error: VPN drops every morning"
    assert article.visibility == "internal" and article.status == "review"
    assert "Reconnect after 9:05." in article.body and problem.reference in article.body
    problem.refresh_from_db()
    assert problem.known_error_article_id == article_id
    assert problems.problem_publish_known_error(problem=problem, actor=world["agent"]) == article_id


def test_only_staff_handle_problems(world, api):
    for who in ("employee", "customer"):
        with pytest.raises(PermissionDenied):
            problems.problem_create(data={"title": "x"}, actor=world[who])
    _problem(world)
    assert api(world["employee"]).get("/api/changes/problems/").status_code == 403
    assert api(world["customer"]).get("/api/changes/problems/").status_code == 403


def test_api_create_link_similar_transition_and_tasks(world, api, incident):
    a = incident("Mail queue stuck", "postfix queue stuck")
    b = incident("Mail queue stuck again", "queue stuck since noon")
    client = api(world["agent"])
    response = client.post(
        "/api/changes/problems/",
        {"title": "Mail queue stuck", "description": "postfix queue", "incidents": [a.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["incidents"] == [a.pk]
    similar = client.get(f"/api/changes/problems/{pk}/similar-incidents/").json()
    assert [s["id"] for s in similar] == [b.pk]
    response = client.post(
        f"/api/changes/problems/{pk}/link-incidents/", {"incidents": [b.pk]}, format="json"
    )
    assert response.json() == {"linked": 1}
    response = client.post(
        f"/api/changes/problems/{pk}/tasks/", {"title": "Check DNS"}, format="json"
    )
    assert [t["title"] for t in response.json()["tasks"]] == ["Check DNS"]
    response = client.post(
        f"/api/changes/problems/{pk}/transition/", {"state": "investigating"}, format="json"
    )
    assert response.json()["state"] == "investigating"
    for url, body in (
        (f"/api/changes/problems/{pk}/transition/", {"state": "closed", "x": 1}),
        (f"/api/changes/problems/{pk}/transition/", {"state": "nowhere"}),
        (f"/api/changes/problems/{pk}/link-incidents/", {"incidents": []}),
        (f"/api/changes/problems/{pk}/link-incidents/", {"incidents": [2**63]}),
        (f"/api/changes/problems/{pk}/link-incidents/", {"incidents": [999999]}),
        (f"/api/changes/problems/{pk}/tasks/", {"title": ""}),
        ("/api/changes/problems/", {"title": "x", "incidents": ["a"]}),
        ("/api/changes/problems/", {"title": "x", "priority": 9}),
        ("/api/changes/problems/", {"title": "x", "incidents": list(range(1, 300))}),
    ):
        assert client.post(url, body, format="json").status_code == 400, (url, body)
    assert (
        client.patch(
            f"/api/changes/problems/{pk}/", {"incidents": [a.pk]}, format="json"
        ).status_code
        == 400
    )


def test_problem_list_query_budget(world, api, incident):
    for n in range(15):
        problem = _problem(world, title=f"Problem {n}")
        problems.problem_link_incidents(
            problem=problem, ticket_ids=[incident(f"Incident {n}").pk], actor=world["agent"]
        )
        problems.task_add(problem=problem, title="Look", actor=world["agent"])
    client = api(world["agent"])
    client.get("/api/changes/problems/")
    with query_budget(8):
        assert len(client.get("/api/changes/problems/").json()["results"]) == 15


def test_problem_pages(world, incident):
    a = incident("Wi-Fi drops in the hall", "wifi drops")
    b = incident("Wi-Fi drops on floor 2", "wifi drops")
    client = Client()
    assert client.login(username=world["agent"].username, password=PASSWORD)
    response = client.post("/changes/problems/add/", {"title": "Wi-Fi drops", "priority": 2})
    assert response.status_code == 302
    problem = Problem.objects.get()
    page = client.get(f"/changes/problems/{problem.pk}/").content.decode()
    assert a.reference in page and b.reference in page and 'id="similar-form"' in page
    client.post(f"/changes/problems/{problem.pk}/link/", {"ticket": [a.pk]})
    client.post(f"/changes/problems/{problem.pk}/task/", {"title": "Survey the APs"})
    client.post(f"/changes/problems/{problem.pk}/move/", {"state": "investigating"})
    problem.refresh_from_db()
    assert problem.state == P.INVESTIGATING
    assert list(problem.incident_links.values_list("ticket_id", flat=True)) == [a.pk]
    assert problem.tasks.get().title == "Survey the APs"
    assert client.get("/changes/problems/?state=investigating").status_code == 200
    assert client.post(f"/changes/problems/{problem.pk}/nonsense/").status_code == 404
    employee = Client()
    assert employee.login(username=world["employee"].username, password=PASSWORD)
    assert employee.get(f"/changes/problems/{problem.pk}/").status_code in (403, 404)
