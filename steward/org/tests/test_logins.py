import pytest
from django.core import mail
from django.test import Client

from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.core.testing import PASSWORD
from steward.org.models import Person, PersonKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(org_world):
    return Person.objects.create(
        first_name="Grace",
        last_name="Hopper",
        email="grace@internal.example",
        organisation=org_world["internal"],
    )


def test_admin_grants_login_with_roles_through_the_api(api, org_world, newcomer):
    response = api(org_world["users"][Role.ADMIN]).post(
        f"/api/org/people/{newcomer.pk}/grant-login/", {"username": "grace", "roles": ["agent"]}
    )
    assert response.status_code == 200, response.content
    newcomer.refresh_from_db()
    assert newcomer.user.username == "grace"
    assert list(newcomer.user.groups.values_list("name", flat=True)) == ["agent"]
    assert not newcomer.user.has_usable_password()
    assert AuditEntry.objects.filter(
        content_type__model="user", object_id=str(newcomer.user.pk), origin="api"
    ).exists()


def test_agent_cannot_grant_logins(api, org_world, newcomer):
    response = api(org_world["users"][Role.AGENT]).post(
        f"/api/org/people/{newcomer.pk}/grant-login/", {"username": "grace", "roles": ["admin"]}
    )
    assert response.status_code == 403
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_external_person_cannot_get_an_internal_role(api, org_world):
    contact = Person.objects.create(
        first_name="Eve", last_name="X", organisation=org_world["acme"], kind=PersonKind.CONTACT
    )
    response = api(org_world["users"][Role.ADMIN]).post(
        f"/api/org/people/{contact.pk}/grant-login/", {"username": "eve", "roles": ["agent"]}
    )
    assert response.status_code == 400 and "roles" in response.json()["errors"]


def test_unknown_role_is_a_field_error(api, org_world, newcomer):
    response = api(org_world["users"][Role.ADMIN]).post(
        f"/api/org/people/{newcomer.pk}/grant-login/", {"username": "grace", "roles": ["god"]}
    )
    assert response.status_code == 400 and "roles" in response.json()["errors"]


def test_duplicate_username_is_a_field_error(api, org_world, newcomer):
    response = api(org_world["users"][Role.ADMIN]).post(
        f"/api/org/people/{newcomer.pk}/grant-login/", {"username": "agent", "roles": ["agent"]}
    )
    assert response.status_code == 400 and "username" in response.json()["errors"]


def test_admin_grants_login_in_the_ui_and_a_password_link_is_mailed(org_world, newcomer):
    client = Client()
    client.login(username="admin", password=PASSWORD)
    response = client.post(
        f"/org/people/{newcomer.pk}/login/",
        {"username": "grace", "roles": ["employee"], "send_reset": "on"},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["grace@internal.example"]
    assert "/password/reset/" in mail.outbox[0].body


def test_employee_cannot_open_the_login_page(org_world, newcomer):
    client = Client()
    client.login(username="employee", password=PASSWORD)
    assert client.get(f"/org/people/{newcomer.pk}/login/").status_code == 403
