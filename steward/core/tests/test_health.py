import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_readyz_and_metrics():
    client = Client()
    assert client.get("/healthz").json() == {"status": "alive"}
    assert client.get("/readyz").json() == {"status": "ready"}
    body = client.get("/metrics").content.decode()
    assert "steward_http_requests_total" in body


@pytest.mark.django_db
def test_request_id_is_echoed_and_sanitised():
    client = Client()
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


@pytest.mark.django_db
def test_openapi_schema_documents_the_error_format(api, make_user):
    response = api(make_user("admin")).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["schemas"]["Error"]["required"] == ["type", "detail", "errors"]
    people = schema["paths"]["/api/org/people/"]["post"]["responses"]
    assert people["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


@pytest.mark.django_db
def test_readyz_reports_pending_migrations_without_leaking_details(monkeypatch):
    from steward.core.ui import pages

    monkeypatch.setattr(pages, "_migrations_current", False)
    monkeypatch.setattr(
        pages.MigrationExecutor, "migration_plan", lambda self, targets: [("org", "0099")]
    )
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["pending_migrations"] == 1


@pytest.mark.django_db
def test_readyz_hides_database_errors(monkeypatch):

    def broken(self):
        raise RuntimeError("password authentication failed for user secret_user")

    from django.db import connections

    monkeypatch.setattr(type(connections["default"]), "ensure_connection", broken)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert "secret_user" not in response.content.decode()
