"""The change calendar: a month and a week of planned changes and windows with conflicts
flagged, and the iCalendar feeds calendar applications subscribe to with a feed token."""

from __future__ import annotations

import calendar as pycalendar
import datetime
from bisect import bisect_left
from html import escape
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from steward.changes import calendar_cache, feeds, selectors, services
from steward.changes.forms import MonthForm, WeekForm
from steward.changes.models import CalendarFeedToken, ChangeRequest
from steward.core import permissions
from steward.core.validation import is_id

Team: Any = ChangeRequest._meta.get_field("assignment_team").related_model


def _ensure_calendar(request: HttpRequest) -> None:
    if not permissions.can(request.user, "view", ChangeRequest):
        raise PermissionDenied


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


URL_PK = 987654321
"""A placeholder id in the change page's address, put together once per page."""


def _calendar(user: Any, start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
    """``selectors.calendar`` with each change put together once for the page (the changes
    and their HTML cached with the conflicts, ``calendar_cache``: the same for every viewer
    who sees the same rows, in the same language and time zone); the windows read afresh."""

    def build() -> list[dict[str, Any]]:
        data = selectors.calendar(user=user, start=start, end=end, shown=SHOWN)
        url = reverse("changes:changerequest_detail", kwargs={"pk": URL_PK})
        found, counts = data["conflicts"], data["counts"]
        return [_entry(c, found.get(c.pk, []), counts.get(c.pk, 0), url) for c in data["changes"]]

    parts = (
        "page",
        start.isoformat(),
        end.isoformat(),
        SHOWN,
        get_language(),
        timezone.get_current_timezone_name(),
        reverse("changes:changerequest_detail", kwargs={"pk": URL_PK}),
        selectors.calendar_visibility(user=user),
    )
    entries = calendar_cache.get(parts, build)
    return {
        "entries": entries,
        "changes": [e["change"] for e in entries],
        "windows": selectors.calendar_windows(user=user, start=start, end=end),
    }


SHOWN = 5
"""Conflicts listed per change on the calendar (the change's page lists them all)."""


def _entry(change: Any, found: list[Any], count: int, url: str) -> dict[str, Any]:
    """A change on the calendar: its link, the first conflicts (``found``, of ``count``)
    and how many more, and the tooltip (state and those conflicts), put together once for
    every day it appears on, its HTML too (``item`` in a day, ``flag`` in the list of
    conflicts): a busy month shows over a thousand changes, too many to render each through
    the template's tags."""
    shown, more = found[:SHOWN], max(0, count - SHOWN)
    tip = [change.get_state_display(), *(c.text for c in shown)]
    if more:
        tip.append(_("and %(n)s more") % {"n": more})
    link = url.replace(str(URL_PK), str(change.pk))
    entry = {
        "change": change,
        "conflicts": count,
        "shown": shown,
        "more": more,
        "url": link,
        "tip": " · ".join(tip),
    }
    state, flag = (f"{change.state} conflict", "⚠ ") if count else (change.state, "")
    start = timezone.localtime(change.planned_start).strftime("%H:%M")
    name = escape(f"{change.reference} {change.title}")
    entry["item"] = mark_safe(  # noqa: S308 (every value escaped)
        f'<li class="change state-{escape(state)}" title="{escape(entry["tip"])}">'
        f'<a href="{escape(link)}">{flag}{start} {name}</a></li>'
    )
    if count:
        listed = "".join(
            f'<li class="{"blocking" if c.blocking else ""}">{escape(c.text)}</li>' for c in shown
        )
        if more:
            text = ngettext("and %(n)s more", "and %(n)s more", more) % {"n": more}
            listed += f'<li class="more"><a href="{escape(link)}">{escape(text)}</a></li>'
        entry["flag"] = mark_safe(  # noqa: S308 (every value escaped)
            f'<li><a href="{escape(link)}">{name}</a><ul>{listed}</ul></li>'
        )
    return entry


def _days(start: datetime.date, count: int, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each day with the changes and windows that touch it (in the user's time zone); the
    changes come sorted by start, so each day looks only at those starting close to it."""
    changes, entries = data["changes"], data["entries"]
    starts = [c.planned_start for c in changes]
    longest = max((c.planned_end - c.planned_start for c in changes), default=None)
    out = []
    for n in range(count):
        day = start + datetime.timedelta(days=n)
        lo, hi = _aware(day), _aware(day + datetime.timedelta(days=1))
        first = bisect_left(starts, lo - longest) if longest is not None else 0
        last = bisect_left(starts, hi)
        out.append(
            {
                "date": day,
                "changes": [e for e in entries[first:last] if e["change"].planned_end > lo],
                "windows": [w for w in data["windows"] if w.start < hi and w.end > lo],
            }
        )
    return out


def _flagged(data: dict[str, Any]) -> list[Any]:
    return [e for e in data["entries"] if e["conflicts"]]


@login_required
@require_safe
def calendar_month(request: HttpRequest) -> HttpResponse:
    _ensure_calendar(request)
    form = MonthForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponse(_("Give the month as YYYY-MM."), status=400, content_type="text/plain")
    first = form.first_day(timezone.localdate())
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1] + datetime.timedelta(days=1)
    data = _calendar(request.user, _aware(start), _aware(end))
    days = _days(start, (end - start).days, data)
    prev_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "changes/calendar_month.html",
        {
            "title": _("Change calendar: %(m)s") % {"m": first.strftime("%B %Y")},
            "month": first,
            "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
            "prev": prev_month.strftime("%Y-%m"),
            "next": next_month.strftime("%Y-%m"),
            "flagged": _flagged(data),
            "weekdays": [pycalendar.day_abbr[i] for i in range(7)],
        },
    )


@login_required
@require_safe
def calendar_week(request: HttpRequest) -> HttpResponse:
    _ensure_calendar(request)
    form = WeekForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponse(
            _("Give the date as YYYY-MM-DD."), status=400, content_type="text/plain"
        )
    monday = form.monday(timezone.localdate())
    if monday.year < 1900 or monday.year > 9998:
        return HttpResponse(
            _("Choose a date between 1900 and 9998."), status=400, content_type="text/plain"
        )
    data = _calendar(request.user, _aware(monday), _aware(monday + datetime.timedelta(days=7)))
    return render(
        request,
        "changes/calendar_week.html",
        {
            "title": _("Change calendar: week of %(d)s") % {"d": monday.isoformat()},
            "days": _days(monday, 7, data),
            "prev": (monday - datetime.timedelta(days=7)).isoformat(),
            "next": (monday + datetime.timedelta(days=7)).isoformat(),
            "flagged": _flagged(data),
        },
    )


# Feeds


def _feed_response(request: HttpRequest, name: str, changes: Any, windows: Any) -> HttpResponse:
    body = feeds.build(
        name=name,
        changes=changes,
        windows=windows,
        base_url=request.build_absolute_uri("/").rstrip("/"),
        host=request.get_host().split(":")[0] or "steward",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="changes.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _feed_user(request: HttpRequest) -> Any:
    user = services.feed_token_user(request.GET.get("token", ""))
    if user is None or not permissions.can(user, "view", ChangeRequest):
        raise Http404
    return user


@require_safe
def feed_mine(request: HttpRequest) -> HttpResponse:
    """The changes the token's user requested or owns, and the windows (no session: calendar
    applications send the token in the address)."""
    user = _feed_user(request)
    return _feed_response(
        request,
        _("Changes of %(u)s") % {"u": user.get_full_name() or user.username},
        selectors.feed_changes(user=user),
        selectors.feed_windows(user=user),
    )


@require_safe
def feed_team(request: HttpRequest, team_id: str) -> HttpResponse:
    """The changes assigned to a team the token's user may see, and the windows."""
    user = _feed_user(request)
    if not is_id(team_id):
        raise Http404
    team = permissions.restrict(Team.objects.all(), user).filter(pk=team_id).first()
    if team is None:
        raise Http404
    return _feed_response(
        request,
        _("Changes of %(t)s") % {"t": team},
        selectors.feed_changes(user=user, team_id=team.pk),
        selectors.feed_windows(user=user),
    )


@login_required
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The user's feed addresses; a new secret is shown once after it is made."""
    _ensure_calendar(request)
    user: Any = request.user
    token = CalendarFeedToken.objects.filter(user=user).first()
    secret = request.session.pop("changes_feed_secret", None)
    teams = permissions.restrict(Team.objects.all(), request.user).order_by("name")[:100]
    base = request.build_absolute_uri(reverse("changes:feed_mine"))
    return render(
        request,
        "changes/feed_settings.html",
        {
            "title": _("Change calendar in your calendar application"),
            "token": token,
            "secret": secret,
            "mine_url": f"{base}?token={secret}" if secret else None,
            "team_urls": [
                (
                    t,
                    request.build_absolute_uri(
                        reverse("changes:feed_team", kwargs={"team_id": t.pk})
                    )
                    + f"?token={secret}",
                )
                for t in teams
            ]
            if secret
            else [],
        },
    )


@login_required
@require_POST
def feed_rotate(request: HttpRequest) -> HttpResponse:
    secret = services.feed_token_rotate(user=request.user)
    request.session["changes_feed_secret"] = secret
    messages.success(request, _("A new feed address is ready; the old one no longer works."))
    return HttpResponseRedirect(reverse("changes:feed_settings"))


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    services.feed_token_revoke(user=request.user)
    messages.success(request, _("Your feed addresses no longer work."))
    return HttpResponseRedirect(reverse("changes:feed_settings"))
