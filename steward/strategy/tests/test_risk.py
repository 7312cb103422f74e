"""The risk register: scoring on a known matrix (and a reconfigured one), band boundaries,
the heat map on a known set, review reminders once per period, linked incidents,
permissions and tenancy."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from steward.cmdb.models import CIClass, ConfigurationItem
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.notifications.models import Notification
from steward.org.models import Person
from steward.servicedesk.models import Ticket
from steward.strategy import risk, risk_reminders, risk_selectors, risk_services
from steward.strategy.models import Risk, RiskControlLink, RiskIncident, RiskMatrix, RiskStatus

pytestmark = pytest.mark.django_db
D = datetime.date
_refs = itertools.count(500)


@pytest.fixture
def rworld(org_world):
    users = org_world["users"]
    return {
        **org_world,
        "admin": users[Role.ADMIN],
        "manager": users[Role.IT_MANAGER],
        "agent": users[Role.AGENT],
        "asset_manager": users[Role.ASSET_MANAGER],
        "employee": users[Role.EMPLOYEE],
        "customer": users["acme_contact"],
        "owner": Person.objects.get(user=users[Role.EMPLOYEE]),
        "matrix": risk.default_matrix(),
    }


@pytest.fixture
def make_risk(rworld):
    def make(title="Ransomware", likelihood=3, impact=4, **kw):
        kw.setdefault("category", "security")
        kw.setdefault("matrix", rworld["matrix"])
        return Risk.objects.create(
            title=title, inherent_likelihood=likelihood, inherent_impact=impact, **kw
        )

    return make


@pytest.fixture
def incident(rworld):
    requester = Person.objects.get(user=rworld["agent"])

    def make(title, kind="incident", organisation=None, days_ago=0):
        ticket = Ticket.objects.create(
            title=title,
            kind=kind,
            reference=f"{'INC' if kind == 'incident' else 'REQ'}-{next(_refs):06d}",
            requester=requester,
            organisation=organisation or rworld["internal"],
        )
        if days_ago:
            when = timezone.now() - datetime.timedelta(days=days_ago)
            Ticket.objects.filter(pk=ticket.pk).update(created_at=when)
            ticket.refresh_from_db()
        return ticket

    return make


# Scoring and bands


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "level"),
    [
        (1, 1, 1, "Low"),
        (2, 2, 4, "Low"),
        (1, 5, 5, "Medium"),
        (3, 3, 9, "Medium"),
        (2, 5, 10, "High"),
        (3, 4, 12, "High"),
        (5, 3, 15, "Critical"),
        (5, 5, 25, "Critical"),
    ],
)
def test_score_is_likelihood_times_impact_banded_on_the_default_matrix(
    make_risk, likelihood, impact, score, level
):
    r = make_risk(likelihood=likelihood, impact=impact)
    a = risk.assessment(r)
    assert (a["inherent"]["score"], a["inherent"]["level"]) == (score, level)
    # Residual not assessed: the inherent counts; no target yet.
    assert a["residual"]["score"] == score
    assert a["target"]["score"] is None


def test_band_boundaries_are_inclusive_at_their_minimum(rworld):
    m = rworld["matrix"]
    assert [risk.band_for(m, s).level for s in (4, 5, 9, 10, 14, 15)] == [
        "Low",
        "Medium",
        "Medium",
        "High",
        "High",
        "Critical",
    ]


def test_a_reconfigured_matrix_scores_with_its_own_scales_and_bands(rworld, make_risk):
    m = RiskMatrix.objects.create(
        name="3x4",
        likelihood_labels=["Low", "Medium", "High"],
        impact_labels=["Minor", "Moderate", "Major", "Critical"],
        bands=[
            {"min_score": 1, "level": "Acceptable", "colour": "#00ff00"},
            {"min_score": 6, "level": "Tolerable", "colour": "#ffff00"},
            {"min_score": 9, "level": "Intolerable", "colour": "#ff0000"},
        ],
    )
    r = make_risk(likelihood=3, impact=3, matrix=m, residual_likelihood=2, residual_impact=2)
    a = risk.assessment(r)
    assert (a["inherent"]["score"], a["inherent"]["level"]) == (9, "Intolerable")
    assert (a["residual"]["score"], a["residual"]["level"]) == (4, "Acceptable")
    # Editing the bands changes the levels, not the scores.
    m.bands = [
        {"min_score": 1, "level": "Low", "colour": "#00ff00"},
        {"min_score": 4, "level": "High", "colour": "#ff0000"},
    ]
    m.full_clean()
    m.save()
    r.refresh_from_db()
    assert risk.assessment(r)["residual"]["level"] == "High"
    # Impact 4 exists on this matrix, likelihood 4 does not.
    r.inherent_impact, r.inherent_likelihood = 4, 4
    with pytest.raises(ValidationError) as exc:
        r.full_clean()
    assert set(exc.value.message_dict) == {"inherent_likelihood"}
    assert "from 1 to 3" in exc.value.message_dict["inherent_likelihood"][0]


def test_shrinking_a_matrix_below_the_scores_in_use_is_refused(rworld, make_risk):
    make_risk(likelihood=5, impact=2)
    m = rworld["matrix"]
    m.likelihood_labels = ["Low", "Medium", "High"]
    with pytest.raises(ValidationError) as exc:
        m.full_clean()
    assert "1 risks are scored beyond this size" in str(exc.value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("likelihood_labels", ["only one"], "2 to 10 labels"),
        ("likelihood_labels", "Rare,Likely", "2 to 10 labels"),
        ("impact_labels", ["a", "A"], "must differ"),
        ("impact_labels", ["a", ""], "1 to 40 characters"),
        ("bands", [], "1 to 10 bands"),
        ("bands", [{"min_score": 2, "level": "x", "colour": "#000000"}], "start at score 1"),
        ("bands", [{"min_score": 1, "level": "x", "colour": "red"}], "#rrggbb"),
        ("bands", [{"min_score": 1, "level": "x", "colour": "#000000", "x": 1}], "nothing else"),
        ("bands", [{"min_score": 99, "level": "x", "colour": "#000000"}], "from 1 to 25"),
        (
            "bands",
            [
                {"min_score": 1, "level": "x", "colour": "#000000"},
                {"min_score": 1, "level": "y", "colour": "#000000"},
            ],
            "Two bands start at 1",
        ),
    ],
)
def test_malformed_matrices_are_refused_on_the_field(rworld, field, value, message):
    m = rworld["matrix"]
    setattr(m, field, value)
    with pytest.raises(ValidationError) as exc:
        m.full_clean()
    assert message in str(exc.value.message_dict[field])


def test_residual_and_target_need_both_parts(make_risk):
    r = make_risk()
    r.residual_likelihood = 2
    with pytest.raises(ValidationError) as exc:
        r.full_clean()
    assert "residual_impact" in exc.value.message_dict


# Heat map


@pytest.fixture
def known_set(make_risk):
    """Inherent: (3,4) twice, (5,5) once, (1,2) once; one closed (5,5) ignored.
    Residual: the first (3,4) reduced to (2,2); the others fall back to the inherent."""
    make_risk("A", 3, 4, residual_likelihood=2, residual_impact=2)
    make_risk("B", 3, 4)
    make_risk("C", 5, 5)
    make_risk("D", 1, 2)
    make_risk("E", 5, 5, status=RiskStatus.CLOSED)


def _counts(result):
    return {
        (c.likelihood, c.impact): c.count for _l, _label, row in result.rows for c in row if c.count
    }


def test_heat_map_counts_the_open_risks_per_cell(rworld, known_set):
    inherent = risk_selectors.heat_map(user=rworld["manager"], matrix=rworld["matrix"])
    assert _counts(inherent) == {(3, 4): 2, (5, 5): 1, (1, 2): 1}
    assert inherent.total == 4
    residual = risk_selectors.heat_map(
        user=rworld["manager"], matrix=rworld["matrix"], view="residual"
    )
    assert _counts(residual) == {(3, 4): 1, (2, 2): 1, (5, 5): 1, (1, 2): 1}
    # Rows from the highest likelihood down, cells coloured by band.
    assert [lk for lk, _label, _row in inherent.rows] == [5, 4, 3, 2, 1]
    top_right = inherent.rows[0][2][-1]
    assert (top_right.level, top_right.colour) == ("Critical", "#ec7a6e")


def test_heat_map_shows_an_owner_only_their_risks(rworld, make_risk, known_set):
    make_risk("Mine", 2, 3, owner=rworld["owner"])
    mine = risk_selectors.heat_map(user=rworld["employee"], matrix=rworld["matrix"])
    assert _counts(mine) == {(2, 3): 1}
    assert _counts(risk_selectors.heat_map(user=rworld["customer"], matrix=rworld["matrix"])) == {}


# Reminders


def test_owners_are_reminded_once_per_review_period(rworld, make_risk):
    due = make_risk("Due", owner=rworld["owner"], next_review=D(2025, 3, 1))
    make_risk("Later", owner=rworld["owner"], next_review=D(2025, 4, 1))
    make_risk("Closed", owner=rworld["owner"], next_review=D(2025, 1, 1), status="closed")
    make_risk("Nobody", next_review=D(2025, 1, 1))
    assert risk_reminders.risk_review_reminders(today=D(2025, 3, 1)) == 1
    assert risk_reminders.risk_review_reminders(today=D(2025, 3, 2)) == 0
    notes = Notification.objects.filter(event=risk_reminders.EVENT)
    assert [n.recipient_id for n in notes] == [rworld["employee"].pk]
    assert "is due for review (2025-03-01)" in notes[0].title
    # The review opens the next period: reminded again when that one falls due.
    due.refresh_from_db()
    risk_services.risk_review(risk=due, actor=rworld["employee"], today=D(2025, 3, 3))
    due.refresh_from_db()
    assert due.next_review == D(2025, 6, 1)  # 90 days later
    assert risk_reminders.risk_review_reminders(today=D(2025, 5, 31)) == 1  # "Later"
    assert risk_reminders.risk_review_reminders(today=D(2025, 6, 1)) == 1
    assert risk_reminders.risk_review_reminders(today=D(2025, 6, 2)) == 0
    assert Notification.objects.filter(event=risk_reminders.EVENT).count() == 3


def test_the_reminder_job_is_scheduled_daily(rworld):
    from steward.core.jobs import handlers
    from steward.core.models import Schedule

    risk_reminders.ensure_schedule(sender=None)
    schedule = Schedule.objects.get(name="Risk review reminders")
    assert schedule.handler == risk_reminders.HANDLER in handlers()
    assert schedule.interval_seconds == 86400


# Incidents


def test_security_incidents_link_once_and_count_over_90_days(rworld, make_risk, incident):
    r = make_risk()
    new, old = incident("Phishing wave"), incident("Old breach", days_ago=120)
    n = risk_services.risk_link_incidents(
        risk=r, ticket_ids=[new.pk, old.pk, new.pk], actor=rworld["manager"]
    )
    assert n == 2
    assert (
        risk_services.risk_link_incidents(risk=r, ticket_ids=[new.pk], actor=rworld["manager"]) == 0
    )
    listed = risk_selectors.risk_get(user=rworld["manager"], pk=r.pk)
    assert listed.recent_incidents == 1
    found = risk_selectors.risk_incidents(risk=r, user=rworld["manager"])
    assert [i["ticket"].pk for i in found] == [new.pk, old.pk]
    assert (
        AuditEntry.objects.filter(content_type__model="riskincident", action="create").count() == 2
    )
    risk_services.risk_unlink_incident(risk=r, ticket_id=new.pk, actor=rworld["manager"])
    assert list(RiskIncident.objects.values_list("ticket_id", flat=True)) == [old.pk]


@pytest.mark.parametrize("bad", [["1"], [True], [0], [-3]])
def test_linking_refuses_what_is_not_an_incident_id(rworld, make_risk, bad):
    with pytest.raises(ValidationError) as exc:
        risk_services.risk_link_incidents(risk=make_risk(), ticket_ids=bad, actor=rworld["manager"])
    assert "Give incident ids" in str(exc.value)


def test_linking_refuses_requests_and_unknown_tickets(rworld, make_risk, incident):
    r = make_risk()
    request = incident("New laptop", kind="request")
    for pk in (request.pk, 10**12):
        with pytest.raises(ValidationError) as exc:
            risk_services.risk_link_incidents(risk=r, ticket_ids=[pk], actor=rworld["manager"])
        assert f"No such incident: {pk}" in str(exc.value)
    assert not RiskIncident.objects.exists()


# Permissions


def test_owner_edits_their_own_risk_but_not_others_nor_gives_it_away(rworld, make_risk):
    mine = make_risk("Mine", owner=rworld["owner"])
    other = make_risk("Other")
    emp = rworld["employee"]
    assert list(risk_selectors.risk_list(user=emp)) == [mine]
    risk_services.risk_update(
        risk=mine, data={"residual_likelihood": 1, "residual_impact": 2}, actor=emp
    )
    with pytest.raises(PermissionDenied):
        risk_services.risk_update(risk=other, data={"title": "x"}, actor=emp)
    with pytest.raises(PermissionDenied):
        risk_services.risk_update(risk=mine, data={"owner": None}, actor=emp)
    with pytest.raises(PermissionDenied):
        risk_services.risk_create(
            data={"title": "t", "category": "data", "inherent_likelihood": 1, "inherent_impact": 1},
            actor=emp,
        )
    mine.refresh_from_db()
    assert mine.owner == rworld["owner"]


def test_staff_read_the_register_managers_write_customers_see_nothing(rworld, make_risk):
    r = make_risk()
    for who in ("agent", "asset_manager", "manager", "admin"):
        assert list(risk_selectors.risk_list(user=rworld[who])) == [r]
    assert list(risk_selectors.risk_list(user=rworld["customer"])) == []
    with pytest.raises(PermissionDenied):
        risk_services.risk_update(risk=r, data={"title": "x"}, actor=rworld["agent"])
    saved = risk_services.risk_create(
        data={
            "title": "Supplier fails",
            "category": "supplier",
            "inherent_likelihood": 2,
            "inherent_impact": 5,
        },
        actor=rworld["manager"],
    )
    assert saved.matrix == rworld["matrix"]
    assert AuditEntry.objects.filter(content_type__model="risk", object_id=str(saved.pk)).exists()


def test_controls_link_items_the_actor_can_see(rworld, make_risk):
    r = make_risk(owner=rworld["owner"])
    internal = ConfigurationItem.objects.create(
        name="erp", ci_class=CIClass.BUSINESS_SERVICE, organisation=rworld["internal"]
    )
    control = risk_services.control_save(
        control=None,
        data={
            "risk": r,
            "name": "Offline backups",
            "control_type": "corrective",
            "links": [{"type": "cmdb.ConfigurationItem", "id": internal.pk}],
        },
        actor=rworld["manager"],
    )
    assert list(RiskControlLink.objects.values_list("target_type", "target_id")) == [
        ("cmdb.ConfigurationItem", internal.pk)
    ]
    for links, message in (
        ([{"type": "cmdb.ConfigurationItem", "id": 10**12}], "No such"),
        ([{"type": "org.Person", "id": 1}], "Unknown type"),
        (["<script>"], "type and an id"),
    ):
        with pytest.raises(ValidationError) as exc:
            risk_services.control_save(
                control=control, data={"links": links}, actor=rworld["manager"]
            )
        assert message in str(exc.value)
    with pytest.raises(PermissionDenied):
        risk_services.control_save(control=control, data={"name": "x"}, actor=rworld["agent"])
    # The owner keeps the controls of their risk.
    risk_services.control_save(control=control, data={"links": []}, actor=rworld["employee"])
    assert not RiskControlLink.objects.exists()
