"""The survey responses endpoint: staff read answers; nobody reads the answering token."""

from __future__ import annotations

import pytest
from django.utils import timezone

from steward.core.permissions import Role
from steward.servicedesk.models import SurveyResponse, Ticket
from steward.servicedesk.services.tickets import ticket_create

pytestmark = pytest.mark.django_db

URL = "/api/servicedesk/survey-responses/"


def _survey(org_world, who: str, *, rating: int | None = None) -> SurveyResponse:
    person = org_world["users"][who].person
    ticket = ticket_create(actor=org_world["users"][who], requester=person, title="Printer jam")
    return SurveyResponse.objects.create(
        ticket=ticket,
        token=f"tok-{ticket.pk}",
        rating=rating,
        answered_at=timezone.now() if rating else None,
    )


def test_agents_list_answers_without_the_token(api, org_world):
    survey = _survey(org_world, "acme_contact", rating=5)
    body = api(org_world["users"][Role.AGENT]).get(URL).json()
    assert [row["id"] for row in body["results"]] == [survey.pk]
    assert body["results"][0]["rating"] == 5
    assert "token" not in body["results"][0]


def test_a_customer_never_sees_another_organisations_survey(api, org_world):
    theirs = _survey(org_world, "globex_contact")
    client = api(org_world["users"]["acme_contact"])
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404


def test_surveys_cannot_be_written_through_the_api(api, org_world):
    survey = _survey(org_world, "acme_contact")
    client = api(org_world["users"][Role.ADMIN])
    assert client.patch(f"{URL}{survey.pk}/", {"rating": 1}, format="json").status_code == 405
    assert client.post(URL, {"ticket": survey.ticket_id}, format="json").status_code == 405
    assert Ticket.objects.count() == 1


def test_the_list_filters_by_answered(api, org_world):
    answered = _survey(org_world, "acme_contact", rating=4)
    _survey(org_world, "acme_contact")
    body = api(org_world["users"][Role.AGENT]).get(URL, {"answered": "true"}).json()
    assert [row["id"] for row in body["results"]] == [answered.pk]
