"""The parts every deployment relies on: queue storage, cache, health check, request limits."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from huey import RedisHuey, SqliteHuey
from huey.contrib.djhuey import HUEY

from servicedesk.accounts.models import User
from servicedesk.core import views

pytestmark = pytest.mark.django_db


@HUEY.task()
def _double(x):
    return 2 * x


def test_queue_storage_follows_the_settings():
    expected = RedisHuey if settings.REDIS_URL else SqliteHuey
    assert isinstance(HUEY, expected)


def test_a_task_goes_through_the_real_queue_storage():
    HUEY.immediate = False
    HUEY.flush()
    result = _double(21)
    assert HUEY.pending_count() == 1
    task = HUEY.dequeue()
    HUEY.execute(task)
    assert result.get() == 42
    assert HUEY.pending_count() == 0


def test_cache_round_trip():
    key = f"test-{uuid.uuid4()}"
    cache.set(key, {"n": 1}, 30)
    assert cache.get(key) == {"n": 1}
    cache.delete(key)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_api_path_answers_in_the_error_format(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_oversized_body_is_refused_before_it_is_read(client, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = client.generic(
        "POST",
        "/api/v1/tickets/",
        b"x" * (1024 * 1024 + 100),
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    response = client.generic(
        "POST", "/portal/new/", b"x" * (1024 * 1024 + 100), content_type="text/plain"
    )
    assert response.status_code == 413
    assert b"at most" in response.content


def test_chunked_body_without_length_is_refused(client):
    response = client.post(
        "/api/v1/tickets/",
        data=b"{}",
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
    )
    assert response.status_code == 411
    assert response.json()["error"]["code"] == "length_required"


def test_fields_over_the_memory_limit_say_so(client, settings, agent_l1_lee):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(agent_l1_lee)
    response = client.post(
        "/api/v1/tickets/", data={"title": "x" * 2000}, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert (
        "1000" in response.json()["error"]["message"] or "KB" in response.json()["error"]["message"]
    )


def test_healthz_is_503_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(views, "_schema_current", False)
    monkeypatch.setattr(
        views.MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)]
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "migrations_pending", "pending": 1}


def test_createsuperuser_makes_a_desk_admin(db):
    call_command(
        "createsuperuser", username="boss", email="boss@example.org", interactive=False, verbosity=0
    )
    boss = User.objects.get(username="boss")
    assert boss.role == "admin"
    assert boss.is_agent


@pytest.mark.parametrize("page", ["/api/schema/swagger/", "/api/schema/redoc/"])
def test_api_docs_load_nothing_from_other_hosts(client, agent_l1_lee, page):
    client.force_login(agent_l1_lee)
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "https://" not in html and "http://" not in html
