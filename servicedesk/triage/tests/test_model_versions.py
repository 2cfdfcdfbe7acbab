"""Model versions trained on the desk's own tickets: stored, activated or not (and why), used."""

import json
import random
from datetime import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from config import queue
from servicedesk.accounts.tests.factories import GroupFactory
from servicedesk.tickets.choices import Kind
from servicedesk.tickets.models import Category
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.triage import predictions
from servicedesk.triage.learning import (
    ActivationError,
    model_version_activate,
    model_version_train,
)
from servicedesk.triage.models import FieldModel, ModelVersion, TriageField, Trigger
from servicedesk.triage.predictions import ticket_predictions
from servicedesk.triage.tasks import triage_train_schedule, triage_train_task

pytestmark = pytest.mark.django_db

WORDS = {
    "Hardware": ["laptop", "screen", "keyboard", "dock", "monitor", "battery", "charger"],
    "Access": ["password", "account", "locked", "login", "reset", "permission", "vpn"],
    "Purchase": ["order", "licence", "quote", "invoice", "buy", "supplier", "budget"],
}
SHARED = ["please", "help", "thanks", "today", "hello", "team", "issue"]


@pytest.fixture(autouse=True)
def _small_desk(settings):
    settings.SERVICEDESK_TRIAGE_MIN_PER_CLASS = 5
    predictions.forget()
    yield
    predictions.forget()


@pytest.fixture
def categories(db):
    return {name: Category.objects.create(name=name) for name in WORDS}


@pytest.fixture
def groups(db):
    return {"Hardware": GroupFactory(name="Field Services"), "Access": GroupFactory(name="IAM")}


def raise_tickets(requester, categories, groups, *, per_category=8, seed=0, only=None):
    rng = random.Random(seed)
    for name in only or WORDS:
        for _ in range(per_category):
            words = rng.choices(WORDS[name], k=4) + rng.choices(SHARED, k=3)
            make_ticket(
                requester=requester,
                title=" ".join(words[:3]),
                description=" ".join(words[3:]),
                category=categories[name],
                kind=Kind.REQUEST if name == "Purchase" else Kind.INCIDENT,
                assignment_group=groups.get(name, groups["Access"]),
            )


@pytest.fixture
def history(requester_ann, categories, groups):
    raise_tickets(requester_ann, categories, groups)


def test_enough_history_trains_every_field_and_activates(history, categories, groups):
    version = model_version_train(trigger=Trigger.SCHEDULE)
    assert version.is_active and version.activated_at is not None
    assert version.inactive_reason == ""
    assert version.training_size == 24 and version.min_per_class == 5
    assert version.trigger == Trigger.SCHEDULE
    fields = {f.field: f for f in version.fields.all()}
    assert set(fields) == set(TriageField.values)
    category = fields[TriageField.CATEGORY]
    assert category.trained and category.size == 24
    assert category.classes == {str(c.pk): 8 for c in categories.values()}
    assert 0.8 <= category.accuracy <= 1.0
    assert 0 < category.threshold <= 1
    assert category.precision >= 0.95
    assert fields[TriageField.KIND].classes == {"incident": 16, "request": 8}
    group = fields[TriageField.ASSIGNMENT_GROUP]
    assert group.classes == {str(groups["Hardware"].pk): 8, str(groups["Access"].pk): 16}


def test_the_active_version_predicts_category_kind_and_group(history, categories, groups):
    version = model_version_train()
    found = {
        p.field: p
        for p in ticket_predictions(title="Laptop screen broken", description="the dock too")
    }
    assert set(found) == {"category", "kind", "assignment_group"}
    assert found["category"].value == str(categories["Hardware"].pk)
    assert found["kind"].value == Kind.INCIDENT
    assert found["assignment_group"].value == str(groups["Hardware"].pk)
    for prediction in found.values():
        assert prediction.model_version == version.pk
        assert 0.5 < prediction.confidence <= 1
        field = version.fields.get(field=prediction.field)
        assert prediction.threshold == field.threshold
        assert prediction.applies == (prediction.confidence >= field.threshold)


def test_no_text_or_no_active_version_predicts_nothing(history):
    assert ticket_predictions(title="laptop", description="screen") == []  # nothing trained yet
    model_version_train()
    assert ticket_predictions(title="  ", description="\n\t") == []
    assert ticket_predictions(title="!!!", description="") == []


def test_too_little_history_is_stored_but_not_activated(requester_ann, categories, groups):
    raise_tickets(requester_ann, categories, groups, per_category=3)
    version = model_version_train()
    assert not version.is_active
    assert "nothing learnt from 9 tickets (at least 5 per value needed)" in version.inactive_reason
    category = version.fields.get(field=TriageField.CATEGORY)
    assert not category.trained and category.model is None
    assert category.note.startswith("not trained: 0 value(s) with at least 5 tickets, 2 needed")
    assert ticket_predictions(title="laptop screen", description="") == []


def test_no_tickets_at_all_says_so(db):
    version = model_version_train()
    assert not version.is_active
    assert version.inactive_reason == "no ticket with text to learn from"
    assert version.training_size == 0


def test_rare_values_are_left_out_and_named(history, requester_ann, categories, groups):
    rare = Category.objects.create(name="Printers")
    make_ticket(requester=requester_ann, title="printer toner", category=rare)
    version = model_version_train()
    category = version.fields.get(field=TriageField.CATEGORY)
    assert category.trained
    assert str(rare.pk) not in category.classes
    assert category.note == f"1 values with fewer than 5 tickets left out: {rare.pk} (1)"


def test_a_new_version_takes_over_and_predictions_follow_it(history):
    first = model_version_train()
    assert ticket_predictions(title="vpn password", description="")[0].model_version == first.pk
    second = model_version_train()
    first.refresh_from_db()
    assert second.is_active and not first.is_active
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    assert {p.model_version for p in ticket_predictions(title="vpn login", description="")} == {
        second.pk
    }
    model_version_activate(version=first)
    assert {p.model_version for p in ticket_predictions(title="vpn login", description="")} == {
        first.pk
    }


def test_a_version_that_learnt_nothing_cannot_be_activated(db):
    version = model_version_train()
    with pytest.raises(ActivationError, match="no trained field"):
        model_version_activate(version=version)
    version.refresh_from_db()
    assert not version.is_active


def test_a_retired_category_or_group_is_not_predicted(history, categories, groups):
    model_version_train()
    categories["Hardware"].is_active = False
    categories["Hardware"].save()
    groups["Hardware"].is_active = False
    groups["Hardware"].save()
    found = {p.field for p in ticket_predictions(title="laptop monitor dock", description="")}
    assert found == {"kind"}


def test_an_admin_set_threshold_replaces_the_cross_validated_one(history, settings):
    model_version_train()
    settings.SERVICEDESK_TRIAGE_THRESHOLDS = {"kind": 0.99}
    found = {p.field: p for p in ticket_predictions(title="invoice quote", description="")}
    assert found["kind"].threshold == 0.99
    stored = FieldModel.objects.get(version__is_active=True, field="category").threshold
    assert found["category"].threshold == stored


def test_triage_train_command_reports_each_field(history, capsys):
    call_command("triage-train")
    out = capsys.readouterr().out.splitlines()
    version = ModelVersion.objects.get()
    assert out[0].startswith(f"model version {version.pk}: 24 tickets in ")
    assert out[0].endswith("; active")
    assert out[1].startswith("  assignment_group: 24 tickets, 2 values, accuracy ")
    assert version.trigger == Trigger.ON_DEMAND


def test_triage_train_command_json_says_why_not_active(db, capsys):
    call_command("triage-train", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["active"] is False
    assert summary["inactive_reason"] == "no ticket with text to learn from"
    assert [f["field"] for f in summary["fields"]] == ["assignment_group", "category", "kind"]


def test_the_task_trains_a_scheduled_version(history):
    pk = triage_train_task.call_local()
    assert ModelVersion.objects.get(pk=pk).trigger == Trigger.SCHEDULE


def test_the_nightly_job_is_in_the_table():
    job = next(j for j in queue.PERIODIC_JOBS if j.name == "triage_train")
    assert job.run is triage_train_schedule
    assert job.schedule(datetime(2026, 8, 4, 2, 30))
    assert not job.schedule(datetime(2026, 8, 4, 2, 31))
    assert not job.schedule(datetime(2026, 8, 4, 14, 30))


@pytest.fixture
def ada(admin_ada) -> Client:
    client = Client()
    client.force_login(admin_ada)
    return client


def test_the_admin_lists_versions_with_figures_and_reasons(ada, history):
    trained = model_version_train()
    ModelVersion.objects.filter(pk=trained.pk).update(is_active=False)
    Category.objects.all().delete()
    empty = model_version_train()  # categories gone, kinds and groups still learnt
    page = ada.get(reverse("admin:triage_modelversion_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert str(trained) in text and str(empty) in text
    assert "not trained" in text
    assert "% at " in text
    detail = ada.get(reverse("admin:triage_modelversion_change", args=[trained.pk]))
    assert detail.status_code == 200
    assert "cross-validated" in detail.content.decode()


def test_the_admin_activates_a_version(ada, history):
    first = model_version_train()
    second = model_version_train()
    response = ada.post(
        reverse("admin:triage_modelversion_changelist"),
        {"action": "activate", "_selected_action": [first.pk]},
        follow=True,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_active and not second.is_active
    assert "is now active" in response.content.decode()


def test_the_admin_refuses_to_activate_a_version_that_learnt_nothing(ada, db):
    version = model_version_train()
    response = ada.post(
        reverse("admin:triage_modelversion_changelist"),
        {"action": "activate", "_selected_action": [version.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "has no trained field" in response.content.decode()
    version.refresh_from_db()
    assert not version.is_active


@pytest.fixture
def immediate_queue():
    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was


def test_the_admin_trains_a_version_on_demand(ada, history, immediate_queue):
    first = model_version_train()
    response = ada.post(
        reverse("admin:triage_modelversion_changelist"),
        {"action": "train_now", "_selected_action": [first.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Training queued" in response.content.decode()
    newest = ModelVersion.objects.exclude(pk=first.pk).get()
    assert newest.trigger == Trigger.ON_DEMAND and newest.is_active


def test_the_model_predicts_before_the_creating_transaction(
    history, categories, requester_ann, monkeypatch
):
    # On SQLite the transaction holds the one write lock: the prediction is made before it.
    from django.db import connection

    from servicedesk.tickets.choices import Channel
    from servicedesk.triage import pipeline

    model_version_train()
    depths = []

    def recorded(**text):
        depths.append(len(connection.savepoint_ids))
        return ticket_predictions(**text)

    monkeypatch.setattr(pipeline, "ticket_predictions", recorded)
    outside = len(connection.savepoint_ids)
    ticket = make_ticket(requester=requester_ann, title="laptop screen dock", description="")
    assert depths == [outside]  # once, and not in ticket_create's atomic block (a savepoint)
    assert ticket.category == categories["Hardware"]
    make_ticket(requester=requester_ann, title="laptop screen", channel=Channel.IMPORT)
    assert depths == [outside]  # imports are not triaged: nothing predicted for them
