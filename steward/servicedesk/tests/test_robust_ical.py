"""Holiday files with dates at the end of the calendar or NUL bytes in names are read event
by event (an error line for the bad one), never a server error."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.core.permissions import Role
from steward.core.testing import make_user
from steward.servicedesk.models import BusinessCalendar, Holiday
from steward.servicedesk.sla.ical import parse_holidays
from steward.servicedesk.tests.test_sla_ical import ics

pytestmark = pytest.mark.django_db


def test_an_event_on_the_last_day_of_the_calendar_is_an_error_line_not_an_overflow():
    parsed = parse_holidays(
        ics(
            "DTSTART;VALUE=DATE:99991231\r\nSUMMARY:End of time\r\n",
            "DTSTART;VALUE=DATE:99991225\r\nDTEND;VALUE=DATE:99991231\r\n",
            "DTSTART;VALUE=DATE:20271224\r\nSUMMARY:Christmas\r\n",
        )
    )
    assert len(parsed.errors) == 2 and "out of range" in parsed.errors[0]
    assert [name for _, name in parsed.days] == ["Christmas"]


def test_nul_bytes_in_a_holiday_name_are_dropped_before_saving(api):
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Berlin")
    client = api(make_user(Role.IT_MANAGER))
    data = ics("DTSTART;VALUE=DATE:20271224\r\nSUMMARY:Christ\x00mas\r\n")
    response = client.post(
        f"/api/servicedesk/business-calendars/{calendar.pk}/import-holidays/",
        {"file": SimpleUploadedFile("h.ics", data, content_type="text/calendar")},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert list(Holiday.objects.values_list("name", flat=True)) == ["Christmas"]
    big = ics("DTSTART;VALUE=DATE:99991231\r\n")
    response = client.post(
        f"/api/servicedesk/business-calendars/{calendar.pk}/import-holidays/",
        {"file": SimpleUploadedFile("h.ics", big, content_type="text/calendar")},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["errors"]
