import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core.context import Origin, change_context
from steward.core.models import AuditEntry, Tag
from steward.core.testing import make_user
from steward.org.models import Organisation, Person, Team

pytestmark = pytest.mark.django_db


def entries(obj):
    ct = ContentType.objects.get_for_model(obj)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id")


def test_create_update_delete_each_leave_one_entry_with_before_and_after():
    org = Organisation.objects.create(name="Initech")
    org.notes = "customer since 2020"
    org.save()
    pk = org.pk
    org.delete()
    rows = list(AuditEntry.objects.filter(object_id=str(pk), content_type__model="organisation"))
    assert [r.action for r in sorted(rows, key=lambda r: r.id)] == ["create", "update", "delete"]
    create, update, delete = sorted(rows, key=lambda r: r.id)
    assert create.before is None and create.after["name"] == "Initech"
    assert update.changed_fields == ["notes"]
    assert update.before["notes"] == "" and update.after["notes"] == "customer since 2020"
    assert delete.after is None and delete.before["name"] == "Initech"


def test_saving_without_changes_writes_no_entry():
    org = Organisation.objects.create(name="Initech")
    org.save()
    Organisation.objects.get(pk=org.pk).save()
    assert entries(org).count() == 1


def test_queryset_update_is_audited_per_row():
    a = Organisation.objects.create(name="A")
    b = Organisation.objects.create(name="B")
    Organisation.objects.filter(pk__in=[a.pk, b.pk]).update(notes="bulk")
    for org in (a, b):
        last = entries(org).last()
        assert last.action == "update" and last.after["notes"] == "bulk"


def test_bulk_create_is_audited():
    Tag.objects.bulk_create([Tag(name="one", slug="one"), Tag(name="two", slug="two")])
    assert AuditEntry.objects.filter(content_type__model="tag", action="create").count() == 2


def test_m2m_change_is_audited_on_the_owner():
    org = Organisation.objects.create(name="Internal")
    team = Team.objects.create(name="Desk", organisation=org)
    person = Person.objects.create(first_name="A", last_name="B", organisation=org)
    team.members.add(person)
    last = entries(team).last()
    assert last.after == {"members": {"add": [str(person.pk)]}}


def test_context_supplies_actor_origin_and_request_id():
    user = make_user("admin")
    with change_context(origin=Origin.TASK, user=user, request_id="job-7"):
        org = Organisation.objects.create(name="Ctx")
    entry = entries(org).get()
    assert (entry.actor, entry.origin, entry.request_id) == (user, "task", "job-7")


def test_write_outside_any_context_is_recorded_as_system():
    org = Organisation.objects.create(name="Sys")
    assert entries(org).get().origin == "system"


def test_secrets_are_masked_in_the_audit_but_their_change_is_recorded():
    user = make_user()
    entry = entries(user).first()
    assert entry.after["password"].startswith("********")
    assert user.password not in str(entry.after)
    user.set_password("another-long-passphrase")
    user.save()
    change = entries(user).last()
    assert change.action == "update" and change.changed_fields == ["password"]


def test_api_token_creation_and_revocation_are_audited():
    from steward.core import tokens

    user = make_user("agent")
    with change_context(origin=Origin.API, user=user):
        key = tokens.token_rotate(user=user)
        tokens.token_revoke(user=user)
    rows = list(entries(user).filter(origin="api"))
    assert [r.after["api_token"] for r in rows] == ["created", "revoked"]
    assert all(key not in str(r.after) for r in rows)
