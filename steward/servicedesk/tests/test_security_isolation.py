"""Tenant isolation and role rules of the service desk, probed through the real API and pages
(security review). Each test is named after the rule it checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.core import features
from steward.core.permissions import Role
from steward.org.models import Person
from steward.servicedesk import services as desk
from steward.servicedesk.models import EntryKind, Service, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_world) -> dict[str, Any]:
    users = org_world["users"]
    agent = users[Role.AGENT]
    acme_p = Person.objects.get(user=users["acme_contact"])
    globex_p = Person.objects.get(user=users["globex_contact"])
    employee_p = Person.objects.get(user=users[Role.EMPLOYEE])
    other_employee = Person.objects.create(
        first_name="Other", last_name="Employee", organisation=org_world["internal"]
    )
    acme_t = desk.ticket_create(actor=None, requester=acme_p, title="Acme printer broken")
    globex_t = desk.ticket_create(
        actor=None, requester=globex_p, title="Globex secret outage zebra"
    )
    other_t = desk.ticket_create(
        actor=None, requester=other_employee, title="Other employee laptop"
    )
    emp_t = desk.ticket_create(actor=None, requester=employee_p, title="My own ticket")
    for t in (acme_t, globex_t, emp_t):
        desk.ticket_reply(ticket=t, actor=agent, body="INTERNAL-NOTE-SECRET", kind=EntryKind.NOTE)
        desk.ticket_reply(ticket=t, actor=agent, body="public answer", kind=EntryKind.REPLY)
    globex_file = features.attachment_add(
        obj=globex_t,
        upload=SimpleUploadedFile("secret.txt", b"globex secret", content_type="text/plain"),
        user=agent,
    )
    return {
        **org_world,
        "acme_t": acme_t,
        "globex_t": globex_t,
        "other_t": other_t,
        "emp_t": emp_t,
        "globex_file": globex_file,
        "acme_p": acme_p,
        "globex_p": globex_p,
        "employee_p": employee_p,
        "other_employee": other_employee,
    }


def _ct(model) -> int:
    return ContentType.objects.get_for_model(model).pk


def test_customer_never_reads_another_organisations_ticket_through_api(api, world):
    client = api(world["users"]["acme_contact"])
    g = world["globex_t"]
    assert client.get(f"/api/servicedesk/tickets/{g.pk}/").status_code == 404
    ids = [r["id"] for r in client.get("/api/servicedesk/tickets/").json()["results"]]
    assert ids == [world["acme_t"].pk]
    assert client.get(f"/api/servicedesk/tickets/{g.pk}/entries/").status_code == 404
    rows = client.get("/api/servicedesk/ticket-entries/").json()["results"]
    assert {r["ticket"] for r in rows} == {world["acme_t"].pk}
    assert all("INTERNAL-NOTE-SECRET" not in r["body"] for r in rows)
    r = client.post(f"/api/servicedesk/tickets/{g.pk}/reply/", {"body": "x"}, format="json")
    assert r.status_code == 404


def test_customer_search_and_lookup_never_show_another_organisations_ticket(api, client, world):
    client.force_login(world["users"]["acme_contact"])
    ref = world["globex_t"].reference.encode()
    page = client.get("/search/", {"q": "zebra"})
    assert ref not in page.content and b"outage" not in page.content
    r = client.get(f"/lookup/{_ct(Ticket)}/", {"lookup": "zebra"})
    assert b"outage" not in r.content and ref not in r.content
    body = api(world["users"]["acme_contact"]).get("/api/search/", {"q": "zebra"}).content
    assert b"outage" not in body and ref not in body
    r = client.get(f"/lookup/{_ct(Person)}/", {"lookup": "globex"})
    assert b"globex_contact" not in r.content


def test_customer_cannot_download_another_organisations_attachment(client, world):
    client.force_login(world["users"]["acme_contact"])
    assert client.get(f"/attachments/{world['globex_file'].pk}/").status_code == 404


def test_customer_cannot_read_history_comments_of_another_organisations_ticket(client, world):
    client.force_login(world["users"]["acme_contact"])
    ct, pk = _ct(Ticket), world["globex_t"].pk
    for tab in ("history", "comments", "attachments", "watchers", "tags"):
        assert client.get(f"/objects/{ct}/{pk}/{tab}/").status_code == 404
        assert client.post(f"/objects/{ct}/{pk}/{tab}/", {"body": "x"}).status_code == 404


def test_internal_notes_never_shown_to_customer_or_employee_on_pages(client, world):
    for user, ticket in (
        (world["users"]["acme_contact"], world["acme_t"]),
        (world["users"][Role.EMPLOYEE], world["emp_t"]),
    ):
        client.force_login(user)
        page = client.get(f"/portal/tickets/{ticket.pk}/")
        assert page.status_code == 200
        assert b"INTERNAL-NOTE-SECRET" not in page.content
        r = client.get(f"/servicedesk/tickets/{ticket.pk}/")
        assert b"INTERNAL-NOTE-SECRET" not in r.content
        ct = _ct(Ticket)
        h = client.get(f"/objects/{ct}/{ticket.pk}/history/")
        assert b"INTERNAL-NOTE-SECRET" not in h.content


def test_internal_notes_never_shown_to_employee_through_api(api, world):
    client = api(world["users"][Role.EMPLOYEE])
    t = world["emp_t"]
    rows = client.get(f"/api/servicedesk/tickets/{t.pk}/entries/").json()
    assert rows and all("INTERNAL-NOTE-SECRET" not in r["body"] for r in rows)
    rows = client.get("/api/servicedesk/ticket-entries/").json()["results"]
    assert all("INTERNAL-NOTE-SECRET" not in r["body"] for r in rows)


def test_employee_sees_only_own_tickets(api, client, world):
    c = api(world["users"][Role.EMPLOYEE])
    ids = {r["id"] for r in c.get("/api/servicedesk/tickets/").json()["results"]}
    assert ids == {world["emp_t"].pk}
    assert c.get(f"/api/servicedesk/tickets/{world['other_t'].pk}/").status_code == 404
    client.force_login(world["users"][Role.EMPLOYEE])
    assert client.get(f"/portal/tickets/{world['other_t'].pk}/").status_code == 404


def test_employee_cannot_use_agent_actions_by_api(api, world):
    c = api(world["users"][Role.EMPLOYEE])
    t, other = world["emp_t"], world["other_t"]
    base = f"/api/servicedesk/tickets/{t.pk}"
    assert c.patch(f"{base}/", {"priority": 1}, format="json").status_code == 403
    assert c.patch(f"{base}/", {"title": "x"}, format="json").status_code == 403
    assert c.post(f"{base}/assign/", {"team": None}, format="json").status_code == 403
    r = c.post(f"{base}/link/", {"target": t.pk, "kind": "relates"}, format="json")
    assert r.status_code in (400, 403)
    assert c.post(f"{base}/time/", {"minutes": 5}, format="json").status_code == 403
    assert c.post(f"{base}/merge/", {"into": other.pk}, format="json").status_code in (400, 403)
    r = c.post(
        "/api/servicedesk/tickets/bulk-update/",
        {"tickets": [t.pk], "priority": 1},
        format="json",
    )
    assert r.status_code == 403
    r = c.post(f"{base}/reply/", {"body": "x", "kind": "note"}, format="json")
    assert r.status_code in (400, 403)
    r = c.post(f"{base}/transition/", {"status": "in_progress"}, format="json")
    assert r.status_code in (400, 403)
    t.refresh_from_db()
    assert t.status in ("new", "assigned")


def test_employee_cannot_use_agent_actions_by_page(client, world):
    client.force_login(world["users"][Role.EMPLOYEE])
    t = world["emp_t"]
    base = f"/servicedesk/tickets/{t.pk}"
    for path, data in (
        ("assign", {"team": ""}),
        ("fields", {"priority": 1}),
        ("link", {"target": world["other_t"].reference, "kind": "relates"}),
        ("merge", {"into": world["other_t"].reference}),
        ("time", {"minutes": 5}),
        ("status", {"status": "in_progress"}),
        ("reply", {"body": "x", "kind": "note"}),
    ):
        r = client.post(f"{base}/{path}/", data)
        assert r.status_code in (403, 404), path
    assert not t.entries.filter(kind=EntryKind.NOTE, body="x").exists()


def test_customer_cannot_create_ticket_with_foreign_rows(api, world):
    c = api(world["users"]["acme_contact"])
    hidden = Service.objects.create(name="Internal only", is_public=False)
    for body in (
        {"service": hidden.pk},
        {"affected_person": world["globex_p"].pk},
        {"requester": world["globex_p"].pk},
        {"organisation": world["globex"].pk},
    ):
        r = c.post("/api/servicedesk/tickets/", {"title": "t", **body}, format="json")
        assert r.status_code == 400, (body, r.content)


def test_agent_link_to_missing_ticket_answers_400(api, world):
    c = api(world["users"][Role.AGENT])
    t = world["acme_t"]
    r = c.post(
        f"/api/servicedesk/tickets/{t.pk}/link/",
        {"target": 999999, "kind": "relates"},
        format="json",
    )
    assert r.status_code == 400
    r = c.post(f"/api/servicedesk/tickets/{t.pk}/merge/", {"into": 999999}, format="json")
    assert r.status_code == 400
    r = c.post(
        "/api/servicedesk/ticket-links/",
        {"source": t.pk, "target": 999999, "kind": "relates"},
        format="json",
    )
    assert r.status_code == 400
    r = c.patch(f"/api/servicedesk/tickets/{t.pk}/", {"parent": 999999}, format="json")
    assert r.status_code == 400


def test_anonymous_reaches_only_status_and_public_pages(client, world):
    assert client.get("/status/").status_code == 200
    for path in (
        "/portal/tickets/",
        f"/portal/tickets/{world['acme_t'].pk}/",
        "/servicedesk/tickets/",
        "/search/",
        f"/attachments/{world['globex_file'].pk}/",
    ):
        assert client.get(path).status_code in (302, 401, 403, 404), path
    assert client.get("/api/servicedesk/tickets/").status_code in (401, 403)
    assert client.get("/api/search/", {"q": "zebra"}).status_code in (401, 403)


def test_audit_row_records_actor_and_origin_of_api_change(api, world):
    from steward.core.models import AuditEntry

    agent = world["users"][Role.AGENT]
    t = world["acme_t"]
    r = api(agent).patch(f"/api/servicedesk/tickets/{t.pk}/", {"title": "Renamed"}, format="json")
    assert r.status_code == 200
    row = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket), object_id=str(t.pk)
        )
        .order_by("-pk")
        .first()
    )
    assert row.actor_id == agent.pk
    print({f.name: getattr(row, f.name) for f in row._meta.fields})


def test_employee_history_tab_never_shows_internal_field_values(client, world):
    agent = world["users"][Role.AGENT]
    t = world["emp_t"]
    desk.time_entry_add(ticket=t, actor=agent, minutes=17)
    client.force_login(world["users"][Role.EMPLOYEE])
    h = client.get(f"/objects/{_ct(Ticket)}/{t.pk}/history/")
    assert h.status_code == 200
    assert b"time_spent_minutes" not in h.content and b"search_text" not in h.content


def test_internal_comments_never_shown_to_employee(client, world):
    t = world["emp_t"]
    features.comment_add(obj=t, author=world["users"][Role.AGENT], body="STAFF-ONLY", internal=True)
    client.force_login(world["users"][Role.EMPLOYEE])
    r = client.get(f"/objects/{_ct(Ticket)}/{t.pk}/comments/")
    assert r.status_code == 200
    assert b"STAFF-ONLY" not in r.content
    client.post(f"/objects/{_ct(Ticket)}/{t.pk}/comments/", {"body": "mine", "internal": "on"})
    mine = features.comments_for(t, None).filter(body="mine", internal=True)
    assert not t.pk or not mine.exists()


def test_internal_ticket_fields_never_shown_to_employee_through_api(api, world):
    c = api(world["users"][Role.EMPLOYEE])
    data = c.get(f"/api/servicedesk/tickets/{world['emp_t'].pk}/").json()
    for name in ("time_spent_minutes", "created_by", "sla_policy"):
        assert name not in data, name
    rows = c.get(f"/api/servicedesk/tickets/{world['emp_t'].pk}/entries/").json()
    assert all("message_id" not in r for r in rows)


def test_customer_list_pages_and_exports_never_show_another_organisation(client, world):
    client.force_login(world["users"]["acme_contact"])
    ref = world["globex_t"].reference.encode()
    for path in (
        "/servicedesk/tickets/",
        "/servicedesk/tickets/?export=csv",
        "/servicedesk/entries/",
        "/servicedesk/entries/?export=csv",
        "/servicedesk/surveys/",
        "/portal/tickets/",
    ):
        r = client.get(path)
        body = b"".join(r.streaming_content) if r.streaming else r.content
        assert ref not in body, path
        assert b"INTERNAL-NOTE-SECRET" not in body, path


def test_customer_filter_choices_never_list_another_organisation(api, client, world):
    client.force_login(world["users"]["acme_contact"])
    r = client.get("/servicedesk/tickets/")
    assert b"Globex" not in r.content
    c = api(world["users"]["acme_contact"])
    r = c.get("/api/servicedesk/tickets/", {"organisation": world["globex"].pk})
    assert r.status_code == 400 or r.json()["results"] == []
    r = c.get("/api/servicedesk/tickets/", {"requester": world["globex_p"].pk})
    assert r.status_code == 400 or r.json()["results"] == []


def test_survey_token_answers_once_and_unknown_tokens_are_gone(client, world):
    from steward.servicedesk.models import SurveyResponse

    t = world["acme_t"]
    survey = SurveyResponse.objects.create(ticket=t, token="tok-" + "a" * 40)
    assert client.get("/portal/survey/tok-unknown/").status_code in (404, 410)
    r = client.post(f"/portal/survey/{survey.token}/", {"rating": 5, "comment": "ok"})
    assert r.status_code == 302
    r = client.post(f"/portal/survey/{survey.token}/", {"rating": 1, "comment": "again"})
    assert r.status_code in (404, 410)
    survey.refresh_from_db()
    assert survey.rating == 5


def test_customer_cannot_reply_as_internal_note(api, world):
    c = api(world["users"]["acme_contact"])
    t = world["acme_t"]
    r = c.post(
        f"/api/servicedesk/tickets/{t.pk}/reply/",
        {"body": "sneaky", "kind": "note"},
        format="json",
    )
    assert r.status_code in (400, 403)
    assert not t.entries.filter(body="sneaky", kind=EntryKind.NOTE).exists()


def test_customer_cannot_create_ticket_via_page_with_foreign_service(client, world):
    hidden = Service.objects.create(name="Internal only", is_public=False)
    client.force_login(world["users"]["acme_contact"])
    r = client.post(
        "/portal/report/", {"title": "x", "description": "y", "service": hidden.pk, "urgency": 2}
    )
    assert r.status_code in (200, 400)
    assert not Ticket.objects.filter(service=hidden).exists()


def test_customer_cannot_use_agent_ticket_pages(client, world):
    client.force_login(world["users"]["acme_contact"])
    t = world["acme_t"]
    r = client.get(f"/servicedesk/tickets/{t.pk}/")
    assert r.status_code in (302, 403, 404) or b"INTERNAL-NOTE-SECRET" not in r.content
    r = client.post("/servicedesk/new-ticket/", {"title": "x", "requester": world["globex_p"].pk})
    assert not Ticket.objects.filter(requester=world["globex_p"], title="x").exists()


def test_customer_cannot_post_to_another_organisations_ticket_pages(client, world):
    client.force_login(world["users"]["acme_contact"])
    g = world["globex_t"]
    before = g.entries.count()
    assert client.post(f"/portal/tickets/{g.pk}/", {"body": "hi"}).status_code == 404
    r = client.post(f"/portal/tickets/{g.pk}/status/", {"status": "cancelled"})
    assert r.status_code == 404
    assert client.post(f"/servicedesk/tickets/{g.pk}/reply/", {"body": "x"}).status_code in (
        403,
        404,
    )
    g.refresh_from_db()
    assert g.entries.count() == before and g.status != "cancelled"


def test_employee_cannot_move_another_employees_ticket(client, api, world):
    client.force_login(world["users"][Role.EMPLOYEE])
    o = world["other_t"]
    assert (
        client.post(f"/portal/tickets/{o.pk}/status/", {"status": "cancelled"}).status_code == 404
    )
    r = api(world["users"][Role.EMPLOYEE]).post(
        f"/api/servicedesk/tickets/{o.pk}/transition/", {"status": "cancelled"}, format="json"
    )
    assert r.status_code == 404
    o.refresh_from_db()
    assert o.status != "cancelled"


def test_customer_cannot_watch_another_organisations_ticket(api, world):
    c = api(world["users"]["acme_contact"])
    assert c.post(f"/api/servicedesk/tickets/{world['globex_t'].pk}/watch/").status_code == 404


def test_employee_search_never_finds_another_employees_ticket(api, client, world):
    client.force_login(world["users"][Role.EMPLOYEE])
    ref = world["other_t"].reference.encode()
    assert ref not in client.get("/search/", {"q": "laptop"}).content
    assert (
        ref not in api(world["users"][Role.EMPLOYEE]).get("/api/search/", {"q": "laptop"}).content
    )
    r = client.get(f"/lookup/{_ct(Ticket)}/", {"lookup": "laptop"})
    assert ref not in r.content


def test_organisation_wide_customer_visibility_stays_inside_the_organisation(api, world):
    from steward.servicedesk.models import CustomerVisibility, OrganisationSetting

    OrganisationSetting.objects.create(
        organisation=world["acme"], customer_visibility=CustomerVisibility.ORGANISATION
    )
    c = api(world["users"]["acme_contact"])
    ids = {r["id"] for r in c.get("/api/servicedesk/tickets/").json()["results"]}
    assert ids == {world["acme_t"].pk}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("tickets/{t}/assign/", {"team": 999999}),
        ("tickets/{t}/assign/", {"assignee": 999999}),
        ("tickets/bulk-update/", {"tickets": [999999], "priority": 1}),
        ("time-entries/", {"ticket": 999999, "minutes": 5}),
        ("ticket-links/", {"source": 999999, "target": "{t}", "kind": "relates_to"}),
        ("tickets/", {"title": "x", "category": 999999}),
        ("tickets/", {"title": "x", "service": 999999}),
        ("tickets/{t}/", {"category": 999999}),
    ],
)
def test_write_endpoints_answer_400_for_rows_that_do_not_exist(api, world, path, body):
    t = world["acme_t"].pk
    path = path.format(t=t)
    body = {k: (t if v == "{t}" else v) for k, v in body.items()}
    c = api(world["users"][Role.AGENT])
    method = c.patch if path.endswith(f"{t}/") else c.post
    r = method(f"/api/servicedesk/{path}", body, format="json")
    assert r.status_code == 400, r.content


def test_agent_cannot_render_canned_response_for_unknown_ticket(api, world):
    from steward.servicedesk.models import CannedResponse

    canned = CannedResponse.objects.create(title="Hi", body="Hello {{ requester }}")
    r = api(world["users"][Role.AGENT]).post(
        f"/api/servicedesk/canned-responses/{canned.pk}/render/", {"ticket": 999999}, format="json"
    )
    assert r.status_code == 400
    r = api(world["users"]["acme_contact"]).post(
        f"/api/servicedesk/canned-responses/{canned.pk}/render/",
        {"ticket": world["acme_t"].pk},
        format="json",
    )
    assert r.status_code in (403, 404)


def test_watcher_who_can_no_longer_see_ticket_gets_no_mail_or_notice(world, monkeypatch):
    from steward.servicedesk import mailout, notify

    contact = world["users"]["acme_contact"]
    contact.email = "acme_contact@acme.example"
    contact.save()
    t = world["acme_t"]
    features.watch_toggle(obj=t, user=contact)
    agent = world["users"][Role.AGENT]
    # misfiled: the agent moves the ticket to Globex and its contact
    t = desk.ticket_update(
        ticket=t,
        actor=agent,
        data={"organisation": world["globex"], "requester": world["globex_p"]},
    )
    _to, cc = mailout.recipients(t, mailout.RESOLVED, None)
    assert contact.email not in cc
    told: list[Any] = []
    monkeypatch.setattr(notify, "notify", lambda users, **kw: told.extend(users))
    notify.on_ticket_resolved(event="servicedesk.ticket_resolved", ticket_id=t.pk)
    assert contact not in told


@pytest.mark.parametrize("who", ["acme_contact", Role.EMPLOYEE])
def test_requester_sets_urgency_but_not_impact_so_cannot_raise_own_priority(api, world, who):
    c = api(world["users"][who])
    r = c.post(
        "/api/servicedesk/tickets/", {"title": "t", "impact": 1, "urgency": 1}, format="json"
    )
    assert r.status_code == 400 and "impact" in r.json()["errors"]
    r = c.post("/api/servicedesk/tickets/", {"title": "t", "urgency": 1}, format="json")
    assert r.status_code == 201
    with pytest.raises(PermissionDenied):
        desk.ticket_create(
            actor=world["users"][who],
            requester=Person.objects.get(user=world["users"][who]),
            title="t",
            impact=1,
        )


@pytest.mark.parametrize("who", ["acme_contact", Role.EMPLOYEE])
def test_requesters_never_read_the_audit_log_of_tickets(api, client, world, who):
    from steward.core.models import AuditEntry

    row = AuditEntry.objects.filter(content_type=_ct(Ticket)).first()
    c = api(world["users"][who])
    r = c.get("/api/core/audit/")
    assert r.status_code == 403 or r.json()["results"] == []
    assert c.get(f"/api/core/audit/{row.pk}/").status_code in (403, 404)
    client.force_login(world["users"][who])
    assert client.get(f"/audit/{row.pk}/").status_code in (403, 404)
    body = client.get("/audit/").content
    assert world["globex_t"].reference.encode() not in body


def test_survey_responses_api_never_shows_another_organisation_or_a_token(api, world):
    from steward.servicedesk.models import SurveyResponse

    mine = SurveyResponse.objects.create(ticket=world["acme_t"], token="tok-acme-" + "a" * 30)
    theirs = SurveyResponse.objects.create(ticket=world["globex_t"], token="tok-glx-" + "b" * 30)
    c = api(world["users"]["acme_contact"])
    r = c.get("/api/servicedesk/survey-responses/")
    assert r.status_code == 200
    assert {row["id"] for row in r.json()["results"]} <= {mine.pk}
    assert theirs.token.encode() not in r.content and mine.token.encode() not in r.content
    assert c.get(f"/api/servicedesk/survey-responses/{theirs.pk}/").status_code == 404
