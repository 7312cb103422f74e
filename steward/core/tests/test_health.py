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
