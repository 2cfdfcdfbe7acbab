"""The OpenAPI document generates without warnings; Swagger UI comes from our own static files."""

import pytest
from django.core.management import call_command


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn raises on any warning, --validate checks it against the OpenAPI 3 schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    text = (tmp_path / "s.yml").read_text()
    assert "/api/v1/tickets/{number}/:" in text
    assert "/api/v1/tickets/{ticket_number}/comments/:" in text
    assert "bearerToken" in text


@pytest.mark.django_db
def test_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/tickets/counts/" in response.json()["paths"]


@pytest.mark.django_db
def test_swagger_ui_loads_its_assets_from_static_not_a_cdn(client):
    page = client.get("/api/schema/swagger/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "unpkg" not in page.lower()
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200
