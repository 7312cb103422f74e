import pytest
from django.core.exceptions import ValidationError

from steward.core import events
from steward.servicedesk.models import Status, SurveyResponse
from steward.servicedesk.reports.surveys import on_ticket_resolved, survey_for, survey_url
from steward.servicedesk.services import survey_answer
from steward.servicedesk.tests import reports_world
from steward.servicedesk.tests.reports_world import NOW, ticket

pytestmark = pytest.mark.django_db
world = reports_world.world  # fixture


def test_resolution_event_creates_one_survey_with_a_random_token(world):
    t = ticket(world, status=Status.RESOLVED, resolved_at=NOW)
    on_ticket_resolved(event="servicedesk.ticket_resolved", ticket_id=t.pk)
    on_ticket_resolved(event="servicedesk.ticket_resolved", ticket_id=t.pk)
    surveys = list(SurveyResponse.objects.filter(ticket=t))
    assert len(surveys) == 1
    assert len(surveys[0].token) >= 40
    other = survey_for(ticket(world, status=Status.RESOLVED, resolved_at=NOW))
    assert other.token != surveys[0].token


def test_resolution_handler_is_subscribed_to_the_bus(world, django_capture_on_commit_callbacks):
    t = ticket(world, status=Status.RESOLVED, resolved_at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("servicedesk.ticket_resolved", ticket_id=t.pk)
    assert SurveyResponse.objects.filter(ticket=t).exists()


def test_survey_url_is_absolute_and_only_for_an_unanswered_resolved_ticket(world, settings):
    settings.BASE_URL = "https://desk.example"
    open_ticket = ticket(world)
    assert survey_url(open_ticket) is None
    t = ticket(world, status=Status.RESOLVED, resolved_at=NOW)
    url = survey_url(t)
    token = SurveyResponse.objects.get(ticket=t).token
    assert url.startswith("https://desk.example/") and url.rstrip("/").endswith(token)
    survey_answer(token=token, rating=5)
    assert survey_url(t) is None


def test_survey_is_answered_once(world):
    t = ticket(world, status=Status.RESOLVED, resolved_at=NOW)
    token = survey_for(t).token
    answered = survey_answer(token=token, rating=4, comment="Quick, thanks")
    assert (answered.rating, answered.comment) == (4, "Quick, thanks")
    assert answered.answered_at is not None
    with pytest.raises(ValidationError) as exc:
        survey_answer(token=token, rating=1)
    assert "rating" in exc.value.message_dict
    answered.refresh_from_db()
    assert answered.rating == 4


@pytest.mark.parametrize("rating", [0, 6, -1, True, "5", None])
def test_rating_outside_one_to_five_is_rejected(world, rating):
    token = survey_for(ticket(world, status=Status.RESOLVED, resolved_at=NOW)).token
    with pytest.raises(ValidationError):
        survey_answer(token=token, rating=rating)
    assert SurveyResponse.objects.get(token=token).answered_at is None


def test_unknown_token_is_not_found(world):
    with pytest.raises(SurveyResponse.DoesNotExist):
        survey_answer(token="nope", rating=5)


def test_answer_is_audited(world):
    from steward.core.models import AuditEntry

    survey = survey_for(ticket(world, status=Status.RESOLVED, resolved_at=NOW))
    survey_answer(token=survey.token, rating=3)
    assert AuditEntry.objects.filter(
        object_id=str(survey.pk), object_repr__startswith="Survey"
    ).exists()


def test_resolution_mail_carries_the_survey_link(world, settings):
    from steward.servicedesk.mailout import resolution_mail_extra

    settings.BASE_URL = "https://desk.example"
    t = ticket(world, status=Status.RESOLVED, resolved_at=NOW)
    extra = resolution_mail_extra(t)
    token = SurveyResponse.objects.get(ticket=t).token
    assert token in extra.text and token in str(extra.html)
    assert extra.text.count("https://desk.example/") == 1
