import pytest
from django.core.exceptions import PermissionDenied

from steward.core import permissions
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.org.models import Organisation, Person

pytestmark = pytest.mark.django_db


def test_user_without_role_sees_nothing(make_user, org_world):
    nobody = make_user()
    assert not permissions.restrict(Person.objects.all(), nobody).exists()


def test_inactive_user_has_no_roles(make_user):
    user = make_user(Role.ADMIN, is_active=False)
    assert permissions.roles_of(user) == frozenset()


def test_customer_contact_restricted_to_own_tenant(org_world):
    contact = org_world["users"]["globex_contact"]
    orgs = permissions.restrict(Organisation.objects.all(), contact)
    assert list(orgs) == [org_world["globex"]]


def test_customer_contact_without_person_sees_nothing(make_user, org_world):
    orphan = make_user(Role.CUSTOMER)
    assert not permissions.restrict(Person.objects.all(), orphan).exists()


def test_only_managers_read_the_audit_log(org_world):
    users = org_world["users"]
    assert permissions.can(users[Role.IT_MANAGER], "view", AuditEntry)
    assert not permissions.can(users[Role.AGENT], "view", AuditEntry)
    assert not permissions.can(users[Role.EMPLOYEE], "view", AuditEntry)


def test_ensure_raises_permission_denied_for_employee_edit(org_world):
    person = Person.objects.first()
    with pytest.raises(PermissionDenied):
        permissions.ensure(org_world["users"][Role.EMPLOYEE], "change", person)


def test_unregistered_model_is_refused_loudly():
    from django.contrib.sessions.models import Session

    with pytest.raises(LookupError):
        permissions.restrict(Session.objects.all(), None)
