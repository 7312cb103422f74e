"""Regressions found by tests/schemathesis.sh: answers that broke the API's contract."""

from __future__ import annotations

import pytest

from steward.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_deleting_an_organisation_still_in_use_is_a_400_not_a_500(api, org_world):
    acme = org_world["acme"]
    response = api(org_world["users"]["admin"]).delete(f"/api/org/organisations/{acme.pk}/")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert "people" in " ".join(body["errors"]["non_field_errors"])
    assert type(acme).objects.filter(pk=acme.pk).exists()


def test_deleting_an_organisation_in_use_from_the_page_explains_why(client, org_world):
    acme = org_world["acme"]
    client.login(username="admin", password=PASSWORD)
    response = client.post(f"/org/organisations/{acme.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == f"/org/organisations/{acme.pk}/"
    assert "still used by 1 other object (people)" in response.content.decode()
    assert type(acme).objects.filter(pk=acme.pk).exists()


@pytest.mark.parametrize("path", ["/api/org/teams/0.5/", "/api/no-such-thing/"])
def test_unknown_api_addresses_answer_the_json_error_format(api, org_world, path):
    response = api(org_world["users"]["agent"]).get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"type": "not_found", "detail": "Not found.", "errors": {}}


def test_a_body_django_refuses_answers_the_json_error_format(api, org_world):
    """More form fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS) is refused before
    any view; API clients still get the API's error body, people the error page."""
    fields = {f"f{n}": "x" for n in range(1100)}
    response = api(org_world["users"]["admin"]).post("/api/org/teams/", fields, format="multipart")
    assert response.status_code == 400
    assert response.json()["type"] == "bad_request"
    assert "too many fields" in response.json()["detail"]


def test_a_page_django_refuses_answers_html(client, org_world):
    client.login(username="admin", password=PASSWORD)
    response = client.post("/org/teams/add/", {f"f{n}": "x" for n in range(1100)})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_unknown_page_addresses_stay_html(client, org_world):
    client.login(username="agent", password=PASSWORD)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
