"""The iCalendar feed loaded by a real calendar client: Debian's calcurse (its own RFC 5545
parser in C, nothing shared with the ``icalendar`` library that writes the feed) imports the
feed, and its agenda shows each change and window at its time with its summary."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from django.test import Client

from conftest import require_service
from steward.changes import services
from steward.changes.models import WindowKind

from .conftest import at

pytestmark = pytest.mark.django_db


def _calcurse(folder, *args: str) -> str:
    done = subprocess.run(
        ["calcurse", "-D", str(folder), *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "TZ": "UTC", "HOME": str(folder)},
        check=True,
    )
    return done.stdout


def test_calcurse_imports_the_feed_and_shows_each_change_at_its_time(
    world, estate, make_change, make_window, tmp_path
):
    require_service("calcurse (apt-get install calcurse)", shutil.which("calcurse") is not None)
    agent = world["agent"]
    first = make_change(estate["vm"], start=at(days=3), title="Patch vm-erp; reboot, then test")
    second = make_change(
        start=at(days=4), hours=3, title="Café firmware ✓", requester=world["manager"], owner=agent
    )
    window = make_window("Freeze", WindowKind.BLACKOUT, at(days=6), at(days=7))
    secret = services.feed_token_rotate(user=agent)
    response = Client().get(f"/changes/calendar/mine.ics?token={secret}")
    assert response.status_code == 200
    feed = tmp_path / "feed.ics"
    feed.write_bytes(response.content)

    report = _calcurse(tmp_path, "-i", str(feed))
    assert "3 apps" in report and "0 skipped" in report, report

    start = at(days=-1)
    agenda = _calcurse(
        tmp_path,
        "-Q",
        "--from",
        start.strftime("%m/%d/%Y"),
        "--days",
        "10",
        "--filter-type",
        "apt",
        "--format-apt",
        "%(start:%Y-%m-%dT%H:%M)|%(end:%Y-%m-%dT%H:%M)|%m\\n",
    )
    rows = {line.split("|")[2]: line.split("|")[:2] for line in agenda.splitlines() if "|" in line}
    minute = "%Y-%m-%dT%H:%M"

    def span(obj_start, obj_end):
        return [obj_start.strftime(minute), obj_end.strftime(minute)]

    assert rows[f"{first.reference} Patch vm-erp; reboot, then test"] == span(
        first.planned_start, first.planned_end
    )
    assert rows[f"{second.reference} Café firmware ✓"] == span(
        second.planned_start, second.planned_end
    )
    assert rows["Blackout: Freeze"] == span(window.start, window.end)
    assert len(rows) == 3, agenda
