"""The satisfaction survey's answer page, ``/portal/survey/<token>/``: no login (the random
token in the mailed link is the credential), one answer per survey."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from steward.portal.forms import SurveyForm
from steward.portal.views.shell import page
from steward.servicedesk import selectors as sd_selectors
from steward.servicedesk import services as sd_services

FACES = [
    (1, "M8 17q4-5 8 0", gettext_lazy("Very poor")),
    (2, "M8 16q4-2.5 8 0", gettext_lazy("Poor")),
    (3, "M8 15.5h8", gettext_lazy("OK")),
    (4, "M8 14.5q4 2.5 8 0", gettext_lazy("Good")),
    (5, "M7.5 14q4.5 5 9 0", gettext_lazy("Excellent")),
]
"""The five answers: value, the mouth of the face drawn for it (SVG path), label."""
TOKEN_MAX = 64


def _gone(request: HttpRequest, *, unknown: bool) -> HttpResponse:
    if unknown:
        title = _("This survey link is not valid")
        text = _("Check that you copied the whole link from the e-mail.")
    else:
        title = _("Thank you, this survey is already answered")
        text = _("Each survey can be answered once. Your answer has been recorded.")
    return page(
        request,
        "portal/survey_closed.html",
        {"title": title, "text": text},
        status=404 if unknown else 410,
    )


def _find(token: str) -> Any:
    if not token or len(token) > TOKEN_MAX:
        return None
    return sd_selectors.survey_by_token(token)


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    found = _find(token)
    if found is None:
        return _gone(request, unknown=True)
    if found.answered_at is not None:
        return _gone(request, unknown=False)
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sd_services.survey_answer(
                    token=token,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ObjectDoesNotExist:
                return _gone(request, unknown=True)
            except ValidationError as exc:
                if _survey_answered(token):
                    return _gone(request, unknown=False)
                for message in exc.messages:
                    form.add_error("rating", message)
            else:
                return redirect("portal:survey_thanks")
        status = 400
    return page(
        request,
        "portal/survey.html",
        {"title": _("How did we do?"), "form": form, "faces": FACES, "survey": found},
        status=status,
    )


def _survey_answered(token: str) -> bool:
    found = _find(token)
    return found is not None and found.answered_at is not None


def survey_thanks(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/survey_thanks.html", {"title": _("Thank you")})
