"""FastSelect writes the markup Django's Select writes, only without a template per option."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from servicedesk.accounts.tests.factories import AgentFactory
from servicedesk.desk.forms import FastSelect

FLAT = [("", "Any"), (1, "Service Desk"), (2, "Network Team"), (3, "Field Services")]
GROUPED = [
    ("", "—"),
    ("Hardware", [("10", "Laptop"), ("11", "Printer")]),
    ("Software", [("20", "Mail"), ("21", "Office")]),
]
HOSTILE = [
    ("", "Any"),
    ('1" onclick="x()', "<script>alert(1)</script>"),
    ("2", 'Tom & Jerry\'s "desk"'),
]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (FLAT, None, {"id": "id_group"}),
        (FLAT, "", {"id": "id_group"}),
        (FLAT, 2, {"id": "id_group"}),
        (FLAT, "3", {"id": "id_group", "required": True, "disabled": False}),
        (FLAT, "99", None),
        (FLAT, "1", {"data-n": 0, "data-none": None, "data-lazy": mark_safe("<i>")}),
        (GROUPED, "11", {"id": "id_subcategory", "data-x": '{"a":[1,"<b>"]}'}),
        (GROUPED, None, {"id": "id_subcategory", "aria-invalid": "true"}),
        (HOSTILE, '1" onclick="x()', {"id": "id_assignee"}),
        (HOSTILE, "2", {"id": "id_<q>", "title": 'a "quoted" & <tagged> title'}),
        ([("1", 1000), ("2", mark_safe("<b>safe</b>"))], "2", None),
    ],
)
def test_the_markup_is_djangos_own(choices, value, attrs):
    ours = FastSelect(choices=choices).render("field", value, attrs=attrs)
    django = forms.Select(choices=choices).render("field", value, attrs=attrs)
    assert ours == django


def test_labels_and_values_are_escaped():
    html = FastSelect(choices=HOSTILE).render("assignee", "2")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="1&quot; onclick=&quot;x()"' in html
    assert '<option value="2" selected>Tom &amp; Jerry&#x27;s &quot;desk&quot;</option>' in html


def test_only_the_first_matching_option_is_selected():
    html = FastSelect(choices=[("1", "One"), ("1", "One again")]).render("n", "1")
    assert html.count(" selected") == 1


@pytest.mark.django_db
def test_a_model_choice_field_renders_as_with_django(agent_l1_lee):
    AgentFactory(username="evil", display_name="<script>alert('x')</script>")

    class Both(forms.Form):
        ours = forms.ModelChoiceField(
            queryset=type(agent_l1_lee).objects.order_by("pk"),
            empty_label="Any",
            widget=FastSelect,
        )
        django = forms.ModelChoiceField(
            queryset=type(agent_l1_lee).objects.order_by("pk"), empty_label="Any"
        )

    form = Both({"ours": agent_l1_lee.pk, "django": agent_l1_lee.pk})
    ours = str(form["ours"]).replace("ours", "field")
    django = str(form["django"]).replace("django", "field")
    assert ours == django
    assert f'<option value="{agent_l1_lee.pk}" selected>' in ours
    assert "&lt;script&gt;" in ours


@pytest.mark.django_db
def test_queue_filters_keep_the_pick_and_escape_names(
    as_user, admin_ada, agent_l1_lee, service_desk
):
    evil = AgentFactory(username="evil", display_name="<script>alert('x')</script>")
    service_desk.members.add(evil)
    query = f"/desk/tickets/?queue=all&assignee={evil.pk}&group={service_desk.pk}"
    body = as_user(admin_ada).get(query).content.decode()
    assert "<script>alert" not in body
    assert (
        f'<option value="{evil.pk}" selected>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
        "</option>"
    ) in body
    assert f'<option value="{service_desk.pk}" selected>Service Desk</option>' in body
    for name in ("assignee", "group"):
        assert f'<label for="id_{name}">' in body
        assert f'<select name="{name}" id="id_{name}">\n  <option value="">Any</option>' in body
    # Nothing picked: "Any" is the selected option, as Django's own Select has it.
    assert '<select name="category" id="id_category">\n  <option value="" selected>Any' in body
    assert body.count(" selected>") == 3
