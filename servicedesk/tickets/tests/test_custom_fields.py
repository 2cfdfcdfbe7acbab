import pytest
from django.core.exceptions import ValidationError

from servicedesk.core.errors import ValidationFailed
from servicedesk.tickets.choices import CustomFieldType, Kind
from servicedesk.tickets.models import CustomField, Ticket
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(db):
    return {
        "asset": CustomField.objects.create(key="asset_tag", label="Asset tag"),
        "seats": CustomField.objects.create(
            key="seats", label="Seats", type=CustomFieldType.NUMBER
        ),
        "due": CustomField.objects.create(
            key="needed_by", label="Needed by", type=CustomFieldType.DATE
        ),
        "site": CustomField.objects.create(
            key="site", label="Site", type=CustomFieldType.CHOICE, choices=["HQ", "Plant"]
        ),
        "vip": CustomField.objects.create(
            key="vip_impact", label="VIP impact", type=CustomFieldType.BOOLEAN
        ),
        "cab": CustomField.objects.create(key="cab_date", label="CAB date", kinds=[Kind.CHANGE]),
    }


def test_defined_fields_are_checked_by_type(requester_ann, service_desk, fields):
    ticket = make_ticket(
        requester=requester_ann,
        custom_fields={
            "asset_tag": "LT-0042",
            "seats": 3,
            "needed_by": "2026-12-24",
            "site": "HQ",
            "vip_impact": True,
        },
    )
    assert ticket.custom_fields == {
        "asset_tag": "LT-0042", "seats": 3, "needed_by": "2026-12-24", "site": "HQ", "vip_impact": True,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("values", "bad"),
    [
        ({"seats": "three"}, "custom_fields.seats"),
        ({"seats": True}, "custom_fields.seats"),
        ({"needed_by": "24/12/2026"}, "custom_fields.needed_by"),
        ({"site": "Moon"}, "custom_fields.site"),
        ({"vip_impact": "yes"}, "custom_fields.vip_impact"),
        ({"asset_tag": 42}, "custom_fields.asset_tag"),
        ({"cab_date": "2026-12-01"}, "custom_fields.cab_date"),
        ({"free_note": {"nested": 1}}, "custom_fields.free_note"),
        ({"free_note": float("inf")}, "custom_fields.free_note"),
        ({"x" * 65: 1}, "custom_fields"),
    ],
)
def test_bad_values_name_the_field_and_store_nothing(
    requester_ann, service_desk, fields, values, bad
):
    with pytest.raises(ValidationFailed) as error:
        make_ticket(requester=requester_ann, custom_fields=values)
    assert bad in error.value.fields
    assert Ticket.objects.count() == 0


def test_update_merges_and_null_removes(requester_ann, agent_l1_lee, fields):
    ticket = make_ticket(
        requester=requester_ann, custom_fields={"asset_tag": "LT-1", "location": "Floor 3"}
    )
    ticket = ticket_update(
        ticket=ticket,
        by=agent_l1_lee,
        changes={"custom_fields": {"asset_tag": "LT-2", "location": None, "site": "Plant"}},
    )
    assert ticket.custom_fields == {"asset_tag": "LT-2", "site": "Plant"}
    assert ticket.events.last().changes == {
        "custom_fields.asset_tag": ["LT-1", "LT-2"],
        "custom_fields.location": ["Floor 3", None],
        "custom_fields.site": [None, "Plant"],
    }


def test_a_field_for_changes_only_applies_to_changes(requester_ann, agent_l1_lee, fields):
    change = make_ticket(
        requester=requester_ann,
        by=agent_l1_lee,
        kind=Kind.CHANGE,
        custom_fields={"cab_date": "2026-12-10"},
    )
    assert change.custom_fields == {"cab_date": "2026-12-10"}


def test_definitions_are_validated_in_the_admin(db):
    with pytest.raises(ValidationError):
        CustomField(key="site", label="Site", type=CustomFieldType.CHOICE, choices=[]).full_clean()
    with pytest.raises(ValidationError):
        CustomField(key="cab", label="CAB", kinds=["incident", "outage"]).full_clean()
    CustomField(key="cab", label="CAB", kinds=["change"]).full_clean()
