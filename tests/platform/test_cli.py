import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from steward.core.models import User
from steward.org.models import Person

pytestmark = pytest.mark.django_db


def test_createadmin_takes_password_from_environment(monkeypatch):
    monkeypatch.setenv("STEWARD_ADMIN_PASSWORD", "a-long-enough-passphrase")
    call_command("createadmin", "root", stdout=io.StringIO())
    user = User.objects.get(username="root")
    assert user.is_superuser and user.check_password("a-long-enough-passphrase")
    assert list(user.groups.values_list("name", flat=True)) == ["admin"]


def test_createadmin_refuses_weak_password(monkeypatch):
    monkeypatch.setenv("STEWARD_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("createadmin", "root", stdout=io.StringIO())


def test_token_prints_a_working_token(make_user):
    user = make_user("agent", username="ops")
    out = io.StringIO()
    call_command("token", "ops", stdout=out)
    assert Token.objects.get(user=user).key == out.getvalue().strip()


def test_token_for_unknown_user_fails():
    with pytest.raises(CommandError):
        call_command("token", "ghost", stdout=io.StringIO())


def test_demo_seeds_once_and_is_idempotent(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", "--no-serve", stdout=io.StringIO())
    people = Person.objects.count()
    assert 500 <= people < 600
    assert {"admin", "agent", "employee", "customer"} <= set(
        User.objects.values_list("username", flat=True)
    )
    from steward.approvals.models import ApprovalRequest
    from steward.notifications.models import Notification

    approvals = ApprovalRequest.objects.count()
    assert approvals >= 3  # the platform's three, plus the catalogue's requests
    assert Notification.objects.filter(recipient__username="customer").count() >= 1
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert Person.objects.count() == people
    assert ApprovalRequest.objects.count() == approvals
    assert (tmp_path / "demo_password").exists()
    assert oct(os.stat(tmp_path / "demo_password").st_mode & 0o777) == "0o600"
