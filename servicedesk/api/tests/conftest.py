"""Clients for the personas, and the records tickets refer to."""

import pytest
from rest_framework.test import APIClient

from servicedesk.tickets.models import Category


@pytest.fixture
def client_for():
    """An API client signed in as ``user`` (the session/token paths have their own tests)."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def hardware(db):
    return Category.objects.create(name="Hardware")


@pytest.fixture
def printer(hardware):
    return Category.objects.create(name="Printer", parent=hardware)
