from __future__ import annotations


def test_openapi_schema_describes_the_integrations_api(db):
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator

    patterns = [path("api/integrations/", include("steward.integrations.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "/api/integrations/imports/{id}/apply/" in paths
    upload = paths["/api/integrations/imports/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    assert "/api/integrations/webhook-deliveries/{id}/redeliver/" in paths
