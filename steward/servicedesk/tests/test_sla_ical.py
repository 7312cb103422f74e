"""Holidays from iCalendar files: good, malformed, duplicates, per-event errors."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from steward.core.permissions import Role
from steward.core.testing import make_user
from steward.servicedesk.models import BusinessCalendar, Holiday
from steward.servicedesk.sla.ical import EXAMPLE, MalformedCalendar, parse_holidays
from steward.servicedesk.sla.services import holidays_import

pytestmark = pytest.mark.django_db


def ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


GOOD = ics(
    "DTSTART;VALUE=DATE:20271003\r\nSUMMARY:Tag der Deutschen Einheit\r\n",
    "DTSTART;VALUE=DATE:20271224\r\nDTEND;VALUE=DATE:20271227\r\nSUMMARY:Weihnachten\r\n",
)


@pytest.fixture
def calendar(db):
    return BusinessCalendar.objects.create(name="Office", time_zone="Europe/Berlin")


@pytest.fixture
def manager(db):
    return make_user(Role.IT_MANAGER)


def test_all_day_events_become_one_holiday_per_day(calendar, manager):
    result = holidays_import(calendar=calendar, data=GOOD, actor=manager)
    assert [d for d, _ in result.created] == [
        datetime.date(2027, 10, 3),
        datetime.date(2027, 12, 24),
        datetime.date(2027, 12, 25),
        datetime.date(2027, 12, 26),
    ]
    assert result.errors == []
    assert Holiday.objects.get(calendar=calendar, date="2027-10-03").name == (
        "Tag der Deutschen Einheit"
    )


def test_dates_already_on_the_calendar_are_skipped(calendar, manager):
    Holiday.objects.create(calendar=calendar, date=datetime.date(2027, 12, 25), name="Xmas")
    result = holidays_import(calendar=calendar, data=GOOD, actor=manager)
    assert [d for d, _ in result.skipped] == [datetime.date(2027, 12, 25)]
    again = holidays_import(calendar=calendar, data=GOOD, actor=manager)
    assert again.created == []
    assert Holiday.objects.filter(calendar=calendar).count() == 4


def test_unreadable_events_are_reported_and_the_rest_imported(calendar, manager):
    data = ics(
        "DTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year\r\n",
        "DTSTART:20270102T100000Z\r\nSUMMARY:A meeting\r\n",
        "SUMMARY:No date\r\n",
        "DTSTART;VALUE=DATE:2027XX01\r\nSUMMARY:Broken\r\n",
        "DTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270601\r\nSUMMARY:Too long\r\n",
    )
    result = holidays_import(calendar=calendar, data=data, actor=manager)
    assert [d for d, _ in result.created] == [datetime.date(2027, 1, 1)]
    assert len(result.errors) == 4
    assert "A meeting" in result.errors[0] and "time" in result.errors[0]
    assert "No date" in result.errors[1]
    assert "Broken" in result.errors[2]
    assert "Too long" in result.errors[3]


@pytest.mark.parametrize(
    "data",
    [b"", b"hello world", b"\xff\xfe\x00\x01binary", b"BEGIN:VEVENT\r\nEND:VEVENT\r\n"],
    ids=["empty", "text", "binary", "no-vcalendar"],
)
def test_a_file_that_is_not_icalendar_is_refused_with_a_reason(data):
    with pytest.raises(MalformedCalendar):
        parse_holidays(data)


def test_the_example_file_imports_cleanly():
    parsed = parse_holidays(EXAMPLE.encode())
    assert parsed.errors == []
    assert len(parsed.days) == 4


def test_only_managers_import_holidays(calendar):
    with pytest.raises(PermissionDenied):
        holidays_import(calendar=calendar, data=GOOD, actor=make_user(Role.AGENT))
    assert not Holiday.objects.exists()
