"""Four-eyes rules hold through delegation: nobody approves their own request, one person
casts one vote per stage, and customers never stand in for colleagues."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from steward.approvals import selectors, services
from steward.approvals.services import StageSpec
from steward.core.permissions import Role

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _u(world, role):
    return world["users"][role]


def test_requester_cannot_approve_own_request_as_a_delegate(world):
    manager, employee = _u(world, Role.IT_MANAGER), _u(world, Role.EMPLOYEE)
    services.delegation_create(
        from_user=manager, to_user=employee, start=TODAY, end=None, actor=manager
    )
    request = services.approval_request_create(
        obj=world["obj"],
        title="Mine",
        requester=employee,
        stages=[StageSpec(kind="person", user=manager)],
    )
    assert selectors.approval_pending_for(user=employee) == []
    with pytest.raises(PermissionDenied):
        services.approval_decide(request=request, approver=employee, decision="approve")
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_delegate_member_fills_only_one_seat_of_an_n_of_m_stage(world):
    admin, agent = _u(world, Role.ADMIN), _u(world, Role.AGENT)
    services.delegation_create(from_user=admin, to_user=agent, start=TODAY, end=None, actor=admin)
    request = services.approval_request_create(
        obj=world["obj"],
        title="CAB",
        requester=_u(world, Role.EMPLOYEE),
        stages=[StageSpec(kind="group", team_id=world["cab"].pk, required=2)],
    )
    services.approval_decide(request=request, approver=agent, decision="approve")
    with pytest.raises(PermissionDenied):
        services.approval_decide(
            request=request, approver=agent, decision="approve", on_behalf_of=admin
        )
    request.refresh_from_db()
    assert request.status == "pending"


def test_customer_contact_cannot_be_made_a_delegate(world):
    manager = _u(world, Role.IT_MANAGER)
    with pytest.raises(ValidationError):
        services.delegation_create(
            from_user=manager,
            to_user=world["users"]["acme_contact"],
            start=TODAY,
            end=None,
            actor=manager,
        )
