"""The portal in Chromium: an employee reports an issue with an article suggested while
typing, follows and answers it; a customer contact sees only their organisation's tickets;
the anonymous status page shows a major incident. Desktop and phone widths."""

from __future__ import annotations

import re

import pytest

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def desk(org_world):
    from django.utils import timezone

    from steward.knowledge.models import Article
    from steward.org.models import Person
    from steward.servicedesk.models import Service

    Service.objects.create(name="E-mail", slug="email", order=1)
    Service.objects.create(name="Printing", slug="printing", order=2)
    Service.objects.create(name="Build farm", slug="build-farm", is_public=False, order=3)
    Article.objects.create(
        title="Printer shows paper jam",
        slug="printer-paper-jam",
        summary="Open tray 2 and pull the sheet out gently.",
        body="Open tray 2, pull the sheet out gently, close the tray.",
        status="published",
        visibility="public",
        published_at=timezone.now(),
    )
    from steward.catalogue.models import CatalogueCategory, CatalogueItem

    hardware = CatalogueCategory.objects.create(name="Hardware", icon="💻")
    CatalogueItem.objects.create(
        name="Second monitor",
        slug="second-monitor",
        category=hardware,
        short_description="A 27-inch screen for your desk.",
        delivery_days=3,
    )
    org_world["people"] = {
        name: Person.objects.get(user=user) for name, user in org_world["users"].items()
    }
    return org_world


def _ticket(world, who, title, **fields):
    from steward.servicedesk import services as sd

    return sd.ticket_create(actor=None, requester=world["people"][who], title=title, **fields)


def test_an_employee_reports_an_issue_sees_a_suggestion_and_replies(session, desk):
    from steward.servicedesk.models import Ticket

    s = session("portal-employee")
    s.login(Role.EMPLOYEE)
    assert s.page.url.endswith("/portal/")
    assert s.page.get_by_role("heading", name=re.compile("how can we help")).is_visible()
    s.shot("home")

    s.page.get_by_role("link", name="Report an issue").first.click()
    s.page.get_by_label("What is wrong?").press_sequentially("printer paper jam", delay=20)
    suggestion = s.page.locator("#suggestions").get_by_text("Printer shows paper jam")
    suggestion.wait_for()
    s.shot("suggested-article")
    s.page.get_by_label("Tell us more").fill("The printer on floor 2 says paper jam in tray 2.")
    s.page.get_by_label("Which service is it about?").select_option(label="Printing")
    s.page.get_by_label("It stops my work").check()
    s.page.get_by_role("button", name="Send to the IT team").click()

    reference = s.page.locator("#ticket-reference")
    reference.wait_for()
    ticket = Ticket.objects.get()
    assert reference.inner_text() == ticket.reference
    assert (ticket.channel, ticket.urgency, ticket.service.name) == ("portal", 1, "Printing")
    s.shot("reference")

    s.page.get_by_role("button", name="Follow your ticket").click()
    s.page.get_by_label("Your reply").fill("It happens with every print job.")
    s.page.get_by_role("button", name="Send reply").click()
    s.page.get_by_text("Thank you, your reply was sent.").wait_for()
    assert (
        s.page.locator("#conversation").get_by_text("It happens with every print job.").is_visible()
    )
    s.shot("replied")

    # The agent attaches a file for the requester and a staff-only one: only the first shows.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from steward.core import features

    for name, internal in (("print-queue-reset.txt", False), ("vendor-case.txt", True)):
        features.attachment_add(
            obj=ticket,
            upload=SimpleUploadedFile(name, b"notes"),
            user=desk["users"][Role.AGENT],
            internal=internal,
        )
    s.page.reload()
    assert s.page.locator("#attachments").get_by_text("print-queue-reset.txt").is_visible()
    assert s.page.get_by_text("vendor-case.txt").count() == 0
    s.shot("files")

    s.page.goto("/portal/tickets/")
    assert s.page.locator("#my-tickets").get_by_text("The printer").count() == 0
    assert s.page.locator("#my-tickets").get_by_text("printer paper jam").is_visible()
    s.shot("my-tickets")

    s.page.get_by_role("link", name="Request something").first.click()
    assert s.page.get_by_role("link", name=re.compile("Second monitor")).is_visible()
    s.shot("request-something")
    # The storefront's live search, in place: the address stays the portal's.
    s.page.get_by_label("Search the catalogue").fill("plotter")
    s.page.get_by_text("Nothing in the catalogue matches").wait_for()
    assert s.page.url.endswith("/portal/request/")
    s.page.get_by_role("link", name="Knowledge").first.click()
    s.page.get_by_label("Search for help").fill("printer")
    s.page.get_by_role("button", name="Search").click()
    assert s.page.locator("#articles").get_by_text("Printer shows paper jam").is_visible()
    s.shot("knowledge")
    assert s.errors == []


def test_a_customer_contact_sees_only_their_organisations_tickets(session, desk):
    from steward.servicedesk.models import CustomerVisibility, OrganisationSetting

    OrganisationSetting.objects.create(
        organisation=desk["acme"], customer_visibility=CustomerVisibility.ORGANISATION
    )
    _ticket(desk, "acme_contact", "Acme website slow")
    other = _ticket(desk, "globex_contact", "Globex invoices missing")
    _ticket(desk, Role.EMPLOYEE, "Internal laptop broken")

    s = session("portal-customer")
    s.login("acme_contact")
    s.page.get_by_role("link", name="My tickets").first.click()
    rows = s.page.locator("#my-tickets li")
    assert rows.count() == 1
    assert "Acme website slow" in rows.first.inner_text()
    assert s.page.get_by_role("link", name="Approvals").count() == 0
    s.shot("tickets")
    response = s.goto(f"/portal/tickets/{other.pk}/")
    assert response.status == 404
    assert s.errors == []


def test_the_status_page_shows_a_major_incident_to_anyone(session, desk):
    from steward.servicedesk.models import Service

    _ticket(
        desk,
        "acme_contact",
        "E-mail delivery delayed",
        description="internal: queue on mx2 stuck",
        service=Service.objects.get(slug="email"),
        is_major=True,
    )
    s = session("portal-status")
    s.goto("/status/")
    assert (
        s.page.locator("#status-banner").inner_text().strip().endswith("Some systems are degraded")
    )
    assert s.page.get_by_role("heading", name="E-mail delivery delayed").is_visible()
    assert "Partial outage" in s.page.locator("[data-service=email]").inner_text()
    body = s.page.locator("body").inner_text()
    assert "acme_contact" not in body and "mx2" not in body and "Build farm" not in body
    s.shot("status")
    assert s.errors == []


def test_the_portal_reads_well_on_a_phone(browser, live_server, desk):
    from tests.e2e.conftest import Session

    _ticket(desk, Role.EMPLOYEE, "Screen flickers after the update")
    s = Session(browser, live_server.url, "portal-phone")
    s.context.close()
    s.context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-GB")
    s.page = s.context.new_page()
    s.page.on("pageerror", lambda exc: s.errors.append(f"script: {exc}"))
    try:
        s.login(Role.EMPLOYEE)
        s.shot("home")
        width = s.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the home page scrolls sideways on a phone"
        s.page.goto("/portal/report/")
        s.shot("report")
        s.page.goto("/portal/tickets/")
        s.page.get_by_text("Screen flickers after the update").click()
        s.page.locator("#conversation").wait_for()
        assert s.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        s.shot("ticket")
        s.page.goto("/status/")
        s.shot("status")
        assert s.errors == []
    finally:
        s.close()


def test_a_requester_confirms_the_resolution_and_rates_the_ticket(session, desk):
    from steward.servicedesk import services as sd
    from steward.servicedesk.models import SurveyResponse

    ticket = _ticket(desk, Role.EMPLOYEE, "Laptop battery drains")
    sd.ticket_reply(
        ticket=ticket,
        actor=desk["users"][Role.AGENT],
        body="Please try the new charger.",
        kind="reply",
    )
    sd.ticket_transition(ticket=ticket, actor=None, status="resolved", resolution="New charger")
    SurveyResponse.objects.get_or_create(ticket=ticket, defaults={"token": "e2e-" + "k" * 40})

    s = session("portal-survey")
    s.login(Role.EMPLOYEE)
    s.page.goto(f"/portal/tickets/{ticket.pk}/")
    s.shot("resolved")
    s.page.get_by_role("button", name="Yes, this is solved").click()
    s.page.get_by_text("The ticket is closed.").wait_for()
    s.page.get_by_role("button", name="Rate this ticket").click()
    s.page.get_by_text("Excellent").click()
    s.page.get_by_label("Anything you would like to tell us? (optional)").fill("Thanks!")
    s.shot("survey")
    s.page.get_by_role("button", name="Send my answer").click()
    s.page.get_by_role("heading", name="Thank you for your answer!").wait_for()
    survey = SurveyResponse.objects.get(ticket=ticket)
    assert (survey.rating, survey.comment) == (5, "Thanks!")
    assert s.goto(s.page.url.replace("/thanks/", f"/{survey.token}/")).status == 410
    s.shot("survey-used")
    assert s.errors == []


def test_an_employee_approves_a_request_in_the_portal(session, desk):
    from steward.approvals import services as approvals
    from steward.approvals.models import ApprovalRequest

    ticket = _ticket(desk, Role.ASSET_MANAGER, "New laptop for Ana")
    approvals.approval_request_create(
        obj=ticket,
        title="New laptop for Ana",
        requester=desk["users"][Role.ASSET_MANAGER],
        stages=[approvals.StageSpec(kind="person", user=desk["users"][Role.EMPLOYEE])],
    )
    s = session("portal-approvals")
    s.login(Role.EMPLOYEE)
    assert "1 request waits for you" in s.page.locator(".tiles").inner_text()
    s.page.get_by_role("link", name="Approvals").first.click()
    s.page.get_by_label("Comment (optional)").fill("Go ahead")
    s.shot("waiting")
    s.page.get_by_role("button", name="Approve").click()
    s.page.get_by_text("Approved: New laptop for Ana").wait_for()
    s.shot("approved")
    assert ApprovalRequest.objects.get().status == "approved"
    assert s.errors == []
