"""The service-desk demo loader on a small scale: idempotent, fixed seed, believable."""

import random
from collections import Counter

import pytest

from steward.org import demo as org_demo
from steward.servicedesk import demo
from steward.servicedesk.models import (
    Category,
    RoutingRule,
    Service,
    Status,
    SurveyResponse,
    TeamSetting,
    Ticket,
    TicketEntry,
)
from steward.servicedesk.search import ticket_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    org_demo.load(rng=random.Random("org"), log=lambda m: None, password="demo-pass-12345")
    demo.load(rng=random.Random("sd"), log=lambda m: None, scale=0.05)
    return list(Ticket.objects.all())


def test_loader_is_idempotent(loaded):
    counts = (Ticket.objects.count(), SurveyResponse.objects.count(), RoutingRule.objects.count())
    demo.load(rng=random.Random("sd"), log=lambda m: None, scale=0.05)
    assert counts == (
        Ticket.objects.count(),
        SurveyResponse.objects.count(),
        RoutingRule.objects.count(),
    )


def test_scale_sets_the_number_of_tickets_and_references_follow_ids(loaded):
    assert len(loaded) == 1000
    t = loaded[0]
    assert t.reference == f"{'REQ' if t.kind == 'request' else 'INC'}-{t.pk:06d}"
    assert t.search_text.startswith(t.reference.lower())


def test_scale_from_environment(monkeypatch):
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.25")
    assert demo.scale_from_env() == 0.25
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "lots")
    assert demo.scale_from_env() == 1.0


def test_distributions_are_roughly_right(loaded):
    n = len(loaded)
    priorities = Counter(t.priority for t in loaded)
    assert (priorities[3] + priorities[4]) / n > 0.6
    assert priorities[1] / n < 0.03
    weekdays = Counter(t.created_at.weekday() for t in loaded)
    assert weekdays[0] > weekdays[4] > weekdays[6]
    assert (weekdays[5] + weekdays[6]) / n < 0.12
    channels = Counter(t.channel for t in loaded)
    assert channels.most_common(1)[0][0] == "portal" and channels["email"] > channels["phone"]
    breached = sum(t.response_breached or t.resolution_breached for t in loaded) / n
    assert 0.04 <= breached <= 0.13
    assert any(t.reopen_count for t in loaded)
    assert any(t.status == Status.PENDING for t in loaded)


def test_resolution_times_grow_with_lower_priority(loaded):
    def median_hours(p):
        values = sorted(
            (t.resolved_at - t.created_at).total_seconds() / 3600
            for t in loaded
            if t.priority == p and t.resolved_at
        )
        return values[len(values) // 2]

    assert median_hours(2) < median_hours(3) < median_hours(4)


def test_surveys_on_resolved_tickets_answered_on_about_a_third_mostly_well(loaded):
    surveys = list(SurveyResponse.objects.all())
    resolved = sum(1 for t in loaded if t.resolved_at)
    assert len(surveys) == resolved
    answered = [s for s in surveys if s.answered_at]
    assert 0.22 < len(answered) / len(surveys) < 0.38
    assert sum(s.rating >= 4 for s in answered) / len(answered) > 0.7


def test_catalogue_of_the_desk_is_there(loaded):
    assert {"E-mail", "VPN", "ERP", "Payroll", "Website", "Wi-Fi", "Printing", "Telephony"} <= set(
        Service.objects.values_list("name", flat=True)
    )
    assert Category.objects.filter(parent=None).count() >= 8
    assert TeamSetting.objects.count() == 6
    majors = [t for t in loaded if t.is_major]
    assert len(majors) == 3 and all(t.is_open and t.service_id for t in majors)
    kinds = Counter(TicketEntry.objects.values_list("kind", flat=True))
    assert kinds["reply"] > kinds["note"] > 0


def test_demo_tickets_are_in_the_full_text_index(loaded):
    vpn = ticket_search(Ticket.objects.all(), "vpn")
    assert vpn.exists()
    assert all("vpn" in t.search_text for t in vpn[:20])
