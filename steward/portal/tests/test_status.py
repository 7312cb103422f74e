"""The public status page and its JSON: worst state per service, open major incidents,
nothing internal, two queries."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.servicedesk import services as sd
from steward.servicedesk.models import Service

pytestmark = pytest.mark.django_db


def _major(world, service, title="E-mail is down for everyone", requester="acme_contact"):
    ticket = sd.ticket_create(
        actor=None,
        requester=world["people"][requester],
        title=title,
        description="Internal detail: disk array 7 failed",
        service=service,
        is_major=True,
    )
    sd.ticket_reply(
        ticket=ticket, actor=world["users"][Role.AGENT], body="SECRET NOTE", kind="note"
    )
    return ticket


def test_all_systems_operational_without_incidents(world):
    response = Client().get("/status/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "All systems operational" in page
    assert [s["name"] for s in response.context["services"]] == ["E-mail", "Payroll"]
    assert {s["state"] for s in response.context["services"]} == {"operational"}
    assert '<meta http-equiv="refresh" content="60">' in page


def test_an_open_major_incident_makes_its_service_at_least_a_partial_outage(world):
    _major(world, world["email"])
    response = Client().get("/status/")
    states = {s["name"]: s["state"] for s in response.context["services"]}
    assert states == {"E-mail": "partial_outage", "Payroll": "operational"}
    page = response.content.decode()
    assert "Some systems are degraded" in page
    assert "E-mail is down for everyone" in page


def test_the_manual_status_wins_when_it_is_worse(world):
    Service.objects.filter(pk=world["email"].pk).update(
        status="major_outage", status_message="Provider outage"
    )
    Service.objects.filter(pk=world["payroll"].pk).update(status="degraded")
    _major(world, world["email"])
    response = Client().get("/status/")
    rows = {s["name"]: (s["state"], s["message"]) for s in response.context["services"]}
    assert rows == {"E-mail": ("major_outage", "Provider outage"), "Payroll": ("degraded", "")}


def test_a_resolved_major_incident_no_longer_shows(world):
    ticket = _major(world, world["email"])
    sd.ticket_transition(ticket=ticket, actor=None, status="resolved", resolution="Fixed")
    response = Client().get("/status/")
    assert response.context["incidents"] == []
    assert response.context["overall"] == "operational"


def test_the_status_page_leaks_nothing_internal(world):
    _major(world, world["email"])
    _major(world, world["secret"], title="Build farm melted")
    for response in (Client().get("/status/"), Client().get("/status.json")):
        body = response.content.decode()
        for secret in ("acme_contact", "Contact", "SECRET NOTE", "disk array", "Build farm"):
            assert secret not in body, secret


def test_status_json_for_monitors(world):
    ticket = _major(world, world["payroll"], title="Payslips late")
    data = Client().get("/status.json").json()
    assert data["status"] == "partial_outage"
    assert data["description"] == "Some systems are degraded"
    assert [(s["slug"], s["state"]) for s in data["services"]] == [
        ("email", "operational"),
        ("payroll", "partial_outage"),
    ]
    assert [(i["reference"], i["title"], i["service"]) for i in data["incidents"]] == [
        (ticket.reference, "Payslips late", "Payroll")
    ]
    assert set(data["incidents"][0]) == {
        "reference",
        "title",
        "service",
        "started_at",
        "updated_at",
    }


def test_the_last_public_update_is_the_latest_public_reply(world):
    ticket = _major(world, world["email"])
    reply = sd.ticket_reply(
        ticket=ticket, actor=world["users"][Role.AGENT], body="Working on it", kind="reply"
    )
    incident = Client().get("/status/").context["incidents"][0]
    assert incident["updated_at"] == reply.created_at


def test_the_status_page_is_cacheable_and_needs_no_login(world):
    response = Client().get("/status/")
    assert "public" in response["Cache-Control"] and "max-age=30" in response["Cache-Control"]
    signed_in = Client()
    signed_in.force_login(world["users"][Role.EMPLOYEE])
    assert "private" in signed_in.get("/status/")["Cache-Control"]


def test_the_status_page_runs_two_queries_whatever_the_number_of_incidents(world):
    for n in range(5):
        _major(world, world["email"], title=f"Incident {n}")
    client = Client()
    with query_budget(2):
        response = client.get("/status/")
    assert len(response.context["incidents"]) == 5
    with query_budget(2):
        client.get("/status.json")
