"""Shared fixtures. Services the suite needs are found on localhost; outside CI a missing one
skips its tests with a message, under CI=true it fails the run."""

from __future__ import annotations

import os
import socket

import pytest

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def pytest_configure(config: pytest.Config) -> None:
    url = os.environ.get("STEWARD_DATABASE_URL", "")
    if url.startswith("postgres") and not _reachable("127.0.0.1", 5432):
        message = "PostgreSQL is not reachable on 127.0.0.1:5432"
        if CI:
            pytest.exit(f"FAILED: {message} (CI=true)", returncode=3)
        pytest.exit(f"skipped: {message}", returncode=0)


def require_service(name: str, available: bool) -> None:
    if available:
        return
    if CI:
        pytest.fail(f"{name} is required under CI=true but is missing", pytrace=False)
    pytest.skip(f"{name} is missing")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts from its own state: no configuration cached from another test's
    database, and no API rate-limit counts left by earlier tests in this process (a fast
    worker ran past the per-minute limit on the tests' own requests)."""
    from django.core.cache import caches

    from steward.core import configcache

    configcache.reset()
    caches["throttle"].clear()
    yield
    configcache.reset()


@pytest.fixture(autouse=True)
def _isolated_data_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def make_user(db):
    from steward.core.testing import make_user

    return make_user


@pytest.fixture
def api(db):
    """``api(user)`` returns a DRF client authenticated as ``user`` by token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def org_world(db, make_user):
    """An internal organisation and two customer organisations, with a login of each role."""
    from steward.core.permissions import Role
    from steward.org.models import Organisation, OrganisationKind, Person, PersonKind

    internal = Organisation.objects.create(name="Internal IT", kind=OrganisationKind.INTERNAL)
    acme = Organisation.objects.create(
        name="Acme", kind=OrganisationKind.CUSTOMER, mail_domain="acme.example"
    )
    globex = Organisation.objects.create(
        name="Globex", kind=OrganisationKind.CUSTOMER, mail_domain="globex.example"
    )
    users = {}
    for role in (Role.ADMIN, Role.IT_MANAGER, Role.AGENT, Role.ASSET_MANAGER, Role.EMPLOYEE):
        users[role] = make_user(role, username=str(role))
        Person.objects.create(
            first_name=str(role),
            last_name="Internal",
            organisation=internal,
            user=users[role],
            email=f"{role}@internal.example",
        )
    for org, name in ((acme, "acme_contact"), (globex, "globex_contact")):
        users[name] = make_user(Role.CUSTOMER, username=name)
        Person.objects.create(
            first_name=name,
            last_name="Contact",
            organisation=org,
            kind=PersonKind.CONTACT,
            user=users[name],
            email=f"{name}@{org.mail_domain}",
        )
    return {"internal": internal, "acme": acme, "globex": globex, "users": users}
