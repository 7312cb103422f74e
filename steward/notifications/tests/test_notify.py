import pytest
from django.core import mail

from steward.core.permissions import Role
from steward.notifications import services
from steward.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def test_notify_creates_one_inbox_row_per_user_and_mails_after_commit(
    org_world, immediate_tasks, django_capture_on_commit_callbacks
):
    agent, employee = org_world["users"][Role.AGENT], org_world["users"][Role.EMPLOYEE]
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify(
            users=[agent, employee, agent], event="test.ping", title="Hello", body="B", url="/x/"
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert {n.recipient for n in created} == {agent, employee}
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([agent.email, employee.email])


def test_outgoing_mail_carries_message_id_and_auto_submitted(
    org_world, immediate_tasks, django_capture_on_commit_callbacks, settings
):
    settings.INBOUND_MAIL_DOMAIN = "steward.example.test"
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[org_world["users"][Role.AGENT]], event="e", title="T", url="/a/")
    message = mail.outbox[0].message()
    assert message["Message-ID"].endswith("@steward.example.test>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert "http://127.0.0.1:8000/a/" in mail.outbox[0].body


def test_email_preference_off_keeps_in_app_only(
    org_world, immediate_tasks, django_capture_on_commit_callbacks, events_registered
):
    agent = org_world["users"][Role.AGENT]
    services.preference_set(user=agent, event=events_registered, in_app=True, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[agent], event=events_registered, title="T")
    assert Notification.objects.filter(recipient=agent).count() == 1
    assert mail.outbox == []


def test_in_app_preference_off_sends_mail_only(
    org_world, immediate_tasks, django_capture_on_commit_callbacks, events_registered
):
    agent = org_world["users"][Role.AGENT]
    services.preference_set(user=agent, event=events_registered, in_app=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[agent], event=events_registered, title="T")
    assert not Notification.objects.filter(recipient=agent).exists()
    assert len(mail.outbox) == 1


def test_inactive_users_and_users_without_address_get_no_mail(
    make_user, immediate_tasks, django_capture_on_commit_callbacks
):
    gone = make_user(Role.AGENT, is_active=False)
    silent = make_user(Role.AGENT, email="")
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify(users=[gone, silent], event="e", title="T")
    assert [n.recipient for n in created] == [silent]
    assert mail.outbox == []


def test_reply_to_is_set_per_recipient(
    org_world, immediate_tasks, django_capture_on_commit_callbacks
):
    agent, employee = org_world["users"][Role.AGENT], org_world["users"][Role.EMPLOYEE]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            users=[agent, employee], event="e", title="T", reply_to={agent.pk: "r@x.test"}
        )
    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to[agent.email].reply_to == ["r@x.test"]
    assert by_to[employee.email].reply_to == []


def test_preference_for_unknown_event_is_rejected(org_world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.preference_set(
            user=org_world["users"][Role.AGENT], event="nope.never", in_app=True, email=True
        )
    assert not NotificationPreference.objects.exists()


def test_preference_change_is_audited(org_world, events_registered):
    from steward.core.models import AuditEntry

    agent = org_world["users"][Role.AGENT]
    pref = services.preference_set(user=agent, event=events_registered, in_app=False, email=True)
    assert AuditEntry.objects.filter(
        content_type__model="notificationpreference", object_id=str(pref.pk), action="create"
    ).exists()
