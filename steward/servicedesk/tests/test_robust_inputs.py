"""Hostile input on the ticket write paths answers 4xx with field errors, never a 500: wrong
JSON types in every field, ids past 64 bits, negative numbers, NUL bytes, huge bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from steward.core.permissions import Role
from steward.servicedesk.models import Ticket
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk = w.desk  # fixture
URL = "/api/servicedesk/tickets/"

HOSTILE: list[Any] = [
    None,
    True,
    -1,
    0,
    2**64,
    -(2**63) - 1,
    1.5,
    "",
    "x",
    "9" * 40,
    "²",
    "a\x00b",
    [],
    [1, 2],
    {},
    {"a": {"b": [None]}},
    {"a\x00": "b\x00"},
    ["a\x00"],
]

CREATE_FIELDS = [
    "kind",
    "title",
    "description",
    "requester",
    "affected_person",
    "organisation",
    "channel",
    "category",
    "service",
    "configuration_item_id",
    "asset_id",
    "impact",
    "urgency",
    "team",
    "assignee",
    "is_major",
    "custom_fields",
    "tags",
]


def _client(desk: dict[str, Any], role: str = Role.AGENT) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(desk["users"][role])
    return client


def _post(client: APIClient, url: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _assert_client_error(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}"
    assert response.status_code != 201 or what.startswith("ok"), what


@pytest.mark.parametrize("role", [Role.AGENT, Role.EMPLOYEE])
def test_no_wrong_type_in_any_ticket_create_field_answers_a_server_error(desk, role):
    client = _client(desk, role)
    base = {"title": "VPN down", "requester": desk["employee"].pk}
    for name in CREATE_FIELDS:
        for value in HOSTILE:
            response = _post(client, URL, {**base, name: value})
            assert response.status_code < 500, f"{name}={value!r} -> {response.status_code}"


def test_no_wrong_type_in_any_ticket_update_field_answers_a_server_error(desk):
    ticket = w.new_ticket(desk)
    client = _client(desk)
    fields = [*CREATE_FIELDS, "priority", "parent"]
    fields.remove("channel")
    for name in fields:
        for value in HOSTILE:
            response = _post(client, f"{URL}{ticket.pk}/", {name: value}, "patch")
            assert response.status_code < 500, f"{name}={value!r} -> {response.status_code}"


ACTIONS = {
    "transition": ["status", "pending_reason", "resolution"],
    "assign": ["team", "assignee"],
    "reply": ["body", "kind"],
    "link": ["target", "kind"],
    "merge": ["into"],
    "time": ["minutes", "date", "note"],
}


def test_no_wrong_type_in_any_ticket_action_field_answers_a_server_error(desk):
    client = _client(desk)
    ticket = w.new_ticket(desk)
    for action, names in ACTIONS.items():
        url = f"{URL}{ticket.pk}/{action}/"
        for body in (None, [], "x", 1, [{"a": 1}]):
            response = _post(client, url, body)
            assert response.status_code == 400, f"{action} {body!r} -> {response.status_code}"
        for name in names:
            for value in HOSTILE:
                response = _post(client, url, {name: value})
                assert response.status_code < 500, (
                    f"{action} {name}={value!r} -> {response.status_code}"
                )


def test_no_wrong_type_in_bulk_update_answers_a_server_error(desk):
    client = _client(desk)
    ticket = w.new_ticket(desk)
    url = f"{URL}bulk-update/"
    names = ["tickets", "status", "pending_reason", "resolution", "team", "assignee"]
    names += ["priority", "category"]
    for name in names:
        for value in HOSTILE:
            body = {"tickets": [ticket.pk], name: value}
            response = _post(client, url, body)
            assert response.status_code < 500, f"{name}={value!r} -> {response.status_code}"
    for tickets in ([2**64], [-1], ["x"], [None], [[1]], [{"id": 1}], list(range(1, 600))):
        response = _post(client, url, {"tickets": tickets, "status": "in_progress"})
        assert response.status_code == 400, f"{tickets!r:.40} -> {response.status_code}"


def test_ids_past_64_bits_in_ticket_urls_answer_404(desk):
    client = _client(desk)
    for pk in (2**63, 2**64, 10**30):
        assert client.get(f"{URL}{pk}/").status_code == 404
        assert _post(client, f"{URL}{pk}/reply/", {"body": "x"}).status_code == 404


def test_nul_bytes_in_ticket_text_are_refused_not_stored(desk):
    client = _client(desk)
    response = _post(client, URL, {"title": "a\x00b", "requester": desk["employee"].pk})
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    ticket = w.new_ticket(desk)
    response = _post(client, f"{URL}{ticket.pk}/reply/", {"body": "hello\x00"})
    assert response.status_code == 400
    assert all("\x00" not in title for title in Ticket.objects.values_list("title", flat=True))


def test_a_reply_past_its_size_limit_is_a_field_error(desk):
    client = _client(desk)
    ticket = w.new_ticket(desk)
    response = _post(client, f"{URL}{ticket.pk}/reply/", {"body": "x" * 100_001})
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_a_json_body_that_is_not_json_answers_400(desk):
    client = _client(desk)
    ticket = w.new_ticket(desk)
    for raw in (b"{", b"\xff\xfe{}", b'{"title": "\\ud800"}', b"[" * 10_000 + b"]" * 10_000):
        response = client.post(f"{URL}{ticket.pk}/reply/", raw, content_type="application/json")
        assert response.status_code == 400, f"{raw[:20]!r} -> {response.status_code}"
