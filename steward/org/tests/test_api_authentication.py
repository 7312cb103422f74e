"""API tokens: the login and its directory person in one query; a bad or a disabled login's
token is refused with DRF's own answers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIRequestFactory

from steward.core.permissions import Role
from steward.org.api.authentication import TokenAuthentication
from steward.org.models import Person

pytestmark = pytest.mark.django_db


def _authenticate(key: str):
    request = APIRequestFactory().get("/api/", HTTP_AUTHORIZATION=f"Token {key}")
    return TokenAuthentication().authenticate(request)


def test_the_token_brings_the_login_and_its_person_in_one_query(org_world):
    user = org_world["users"][Role.AGENT]
    token, _ = Token.objects.get_or_create(user=user)
    with CaptureQueriesContext(connection) as ctx:
        found, used = _authenticate(token.key)
        person = found.person
    assert len(ctx.captured_queries) == 1
    assert found == user and used == token
    assert person == Person.objects.get(user=user)


def test_a_login_without_a_person_has_none_without_another_query(make_user):
    user = make_user("robot")
    Person.objects.filter(user=user).update(user=None)
    token, _ = Token.objects.get_or_create(user=user)
    with CaptureQueriesContext(connection) as ctx:
        found, _used = _authenticate(token.key)
        assert getattr(found, "person", None) is None
    assert len(ctx.captured_queries) == 1


def test_an_unknown_or_disabled_logins_token_is_refused(api, org_world):
    user = org_world["users"][Role.AGENT]
    client = api(user)
    assert client.get("/api/org/people/").status_code == 200
    user.is_active = False
    user.save()
    refused = client.get("/api/org/people/")
    assert refused.status_code == 401
    assert "inactive" in refused.json()["detail"].lower()
    stranger = api()
    stranger.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    answer = stranger.get("/api/org/people/")
    assert answer.status_code == 401 and "invalid token" in answer.json()["detail"].lower()
