"""Hostile answers to a catalogue form (wrong JSON types, NUL bytes, huge values) are field
errors, never a server error, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from steward.catalogue.models import ItemField, RequestedItem
from steward.core.permissions import Role

pytestmark = pytest.mark.django_db

HOSTILE = [None, True, -1, 2**64, 1e308, "NaN", "Infinity", "", "a\x00b", "x" * 6000, [], ["a"],
           {}, {"a": "b"}, "9999-99-99", "2026-W01-1", "²", " 7 ", ["a\x00"]]  # fmt: skip


def _client(cat) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(cat["users"][Role.EMPLOYEE])
    return client


def _request(client, item, body):
    return client.post(
        f"/api/catalogue/items/{item.pk}/request/",
        json.dumps(body),
        content_type="application/json",
    )


def test_no_hostile_answer_of_any_field_type_answers_a_server_error(cat):
    item = cat["vpn"]
    for n, kind in enumerate(("text", "textarea", "number", "date", "choice", "multichoice",
                              "checkbox", "email", "person")):  # fmt: skip
        ItemField.objects.create(
            item=item, name=f"f{n}", label=kind, type=kind, choices=["a", "b"], order=n
        )
    client = _client(cat)
    for n in range(9):
        for value in HOSTILE:
            response = _request(client, item, {"answers": {f"f{n}": value}})
            assert response.status_code < 500, f"f{n}={value!r:.30} -> {response.status_code}"
    for body in ([], "x", {"answers": []}, {"answers": "x"}, {"requested_for": 2**64},
                 {"requested_for": "x"}, {"answers": {"\x00": 1}}, {"nope": 1}):  # fmt: skip
        response = _request(client, item, body)
        assert response.status_code == 400, f"{body!r:.40} -> {response.status_code}"


def test_a_nul_byte_in_a_text_answer_is_a_field_error_and_nothing_is_stored(cat):
    ItemField.objects.create(item=cat["vpn"], name="why", label="Why", type="text")
    response = _request(_client(cat), cat["vpn"], {"answers": {"why": "need\x00it"}})
    assert response.status_code == 400
    assert "why" in response.json()["errors"]
    assert not RequestedItem.objects.exists()


def test_nul_bytes_in_form_choices_or_approval_stages_are_field_errors(cat):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(cat["users"][Role.ADMIN])
    item = cat["vpn"]
    response = client.post(
        "/api/catalogue/fields/",
        {"item": item.pk, "name": "size", "label": "Size", "type": "choice", "choices": ["S\x00"]},
        format="json",
    )
    assert response.status_code == 400 and "choices" in response.json()["errors"]
    response = client.patch(
        f"/api/catalogue/items/{item.pk}/",
        {"approval_stages": [{"kind": "manager", "name": "Boss\x00"}]},
        format="json",
    )
    assert response.status_code == 400 and "approval_stages" in response.json()["errors"]
    item.refresh_from_db()
    assert item.approval_stages == []
