"""Answering a satisfaction survey: by its token (no login needed), once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import events
from steward.servicedesk.models import SurveyResponse


@transaction.atomic
def survey_answer(*, token: str, rating: int, comment: str = "") -> SurveyResponse:
    """Records the requester's rating (1-5) and comment.

    Raises ``SurveyResponse.DoesNotExist`` for an unknown token and ``ValidationError`` for a
    rating outside 1-5 or a survey already answered. The token is the credential: whoever
    holds the link may answer, so no actor is taken.
    """
    survey = SurveyResponse.objects.select_for_update().get(token=str(token)[:64])
    if survey.answered_at is not None:
        raise ValidationError({"rating": [_("This survey has already been answered.")]})
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Give a rating from 1 to 5.")]})
    survey.rating = rating
    survey.comment = comment or ""
    survey.answered_at = timezone.now()
    survey.full_clean()
    survey.save(update_fields=["rating", "comment", "answered_at", "updated_at"])
    events.publish("servicedesk.survey_answered", survey_id=survey.pk, ticket_id=survey.ticket_id)
    return survey
