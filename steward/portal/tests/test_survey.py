"""Answering the satisfaction survey by its token: no login, once."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.permissions import Role
from steward.servicedesk import services as sd
from steward.servicedesk.models import SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world, open_ticket):
    ticket = open_ticket(Role.EMPLOYEE, "Keyboard sticky")
    sd.ticket_transition(ticket=ticket, actor=None, status="resolved", resolution="New one")
    found = SurveyResponse.objects.filter(ticket=ticket).first()
    return found or SurveyResponse.objects.create(ticket=ticket, token="t" * 43)


def test_the_survey_opens_without_login_and_records_the_answer_once(survey):
    client = Client()
    page = client.get(f"/portal/survey/{survey.token}/")
    assert page.status_code == 200
    assert survey.ticket.reference in page.content.decode()
    response = client.post(
        f"/portal/survey/{survey.token}/", {"rating": "5", "comment": "Quick and kind"}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/survey/thanks/"
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (5, "Quick and kind")
    assert survey.answered_at is not None


def test_a_used_token_gets_410(survey):
    sd.survey_answer(token=survey.token, rating=3)
    client = Client()
    assert client.get(f"/portal/survey/{survey.token}/").status_code == 410
    again = client.post(f"/portal/survey/{survey.token}/", {"rating": "1"})
    assert again.status_code == 410
    survey.refresh_from_db()
    assert survey.rating == 3


def test_an_unknown_token_gets_404(survey):
    client = Client()
    assert client.get("/portal/survey/not-a-token/").status_code == 404
    assert client.post("/portal/survey/not-a-token/", {"rating": "4"}).status_code == 404
    assert client.get(f"/portal/survey/{'x' * 200}/").status_code == 404


@pytest.mark.parametrize("rating", ["", "0", "6", "five"])
def test_a_rating_outside_one_to_five_is_refused(survey, rating):
    response = Client().post(f"/portal/survey/{survey.token}/", {"rating": rating})
    assert response.status_code == 400
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_resolved_ticket_offers_rate_this_ticket_until_answered(survey, client_for):
    client = client_for(Role.EMPLOYEE)
    page = client.get(f"/portal/tickets/{survey.ticket_id}/").content.decode()
    assert f"/portal/survey/{survey.token}/" in page and "Rate this ticket" in page
    sd.survey_answer(token=survey.token, rating=4)
    page = client.get(f"/portal/tickets/{survey.ticket_id}/").content.decode()
    assert "Rate this ticket" not in page
