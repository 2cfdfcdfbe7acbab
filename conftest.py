"""Personas shared by every test: two organisations, end users, agents at three tiers, a lead."""

from pathlib import Path

import pytest

from servicedesk.accounts.choices import Role, Tier
from servicedesk.accounts.tests.factories import (
    AgentFactory,
    GroupFactory,
    OrganisationFactory,
    UserFactory,
)
from servicedesk.core import config
from servicedesk.sla import models as sla_models
from servicedesk.sla import policies
from servicedesk.triage import ruleset

CORPUS = Path(__file__).resolve().parent.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Password hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_sla_caches():
    # Each process keeps the SLA policies and calendars it read (sla.policies, sla.models) and
    # knows them current by their ids and update times. Each test's database starts again from
    # the same ids, often at the same frozen time: one test's must not answer for the next.
    policies.forget()
    ruleset.forget()  # triage's kept rules, likewise
    config.forget()  # and what core.config keeps (priority matrix, service desk group, ...)
    sla_models._CALENDARS.clear()
    yield
    policies.forget()
    ruleset.forget()
    config.forget()
    sla_models._CALENDARS.clear()


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Acme")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Globex")


@pytest.fixture
def requester_ann(org_a):
    return UserFactory(username="ann", display_name="Ann Requester", organisation=org_a)


@pytest.fixture
def requester_bob(org_b):
    return UserFactory(username="bob", display_name="Bob Requester", organisation=org_b)


@pytest.fixture
def service_desk(db):
    return GroupFactory(name="Service Desk", tier=Tier.L1)


@pytest.fixture
def network_team(db):
    return GroupFactory(name="Network Team", tier=Tier.L2)


@pytest.fixture
def agent_l1_lee(service_desk):
    agent = AgentFactory(username="lee", display_name="Lee Agent")
    service_desk.members.add(agent)
    return agent


@pytest.fixture
def agent_l2_kim(network_team):
    agent = AgentFactory(username="kim", display_name="Kim Agent")
    network_team.members.add(agent)
    return agent


@pytest.fixture
def lead_mo(service_desk):
    lead = AgentFactory(username="mo", display_name="Mo Lead", role=Role.LEAD)
    service_desk.members.add(lead)
    service_desk.lead = lead
    service_desk.save()
    return lead


@pytest.fixture
def admin_ada(db):
    return UserFactory(
        username="ada", display_name="Ada Admin", role=Role.ADMIN, is_staff=True, is_superuser=True
    )
