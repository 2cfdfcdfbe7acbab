"""Forms of the desk. They parse input; the ticket services decide what is allowed."""

import json
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.accounts.selectors import agents
from servicedesk.core import config
from servicedesk.core.errors import ServiceError
from servicedesk.desk.selectors import active_members, own_group_ids
from servicedesk.tickets.choices import (
    INTAKE_CHANNELS,
    TRANSITIONS,
    Channel,
    Impact,
    Kind,
    LinkKind,
    Priority,
    ResolutionCode,
    State,
)
from servicedesk.tickets.models import Category, Ticket


def _attrs_html(attrs: dict[str, Any]) -> str:
    # As Django's widgets/attrs.html: False leaves the attribute out, True writes its name only.
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """A drop-down whose markup is Django's own, byte for byte, built in Python.

    Django renders every option through two widget templates; with a few hundred agents,
    groups and categories, that was most of a queue page's time. The choices, the selected
    option and the attributes still come from ``Select.get_context``, so behaviour is Django's.
    Every value is escaped as the templates escape it (``conditional_escape``).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>'
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{_attrs_html(option['attrs']) if option['attrs'] else ''}>"
                f"{conditional_escape(formats.localize(option['label']))}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files from one input; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ServiceErrorsMixin:
    """Show each message of a ServiceError once: under the field it names, else above the form.

    A service names the first bad field in its message as well ("assignee: X is not a member
    of Y"), which suits an API client; a form that shows the field's message under the field
    would only repeat it, with a column name, at the top.
    """

    def add_service_error(self, error: ServiceError) -> None:
        placed: list[str] = []
        banner: list[str] = []
        for field, messages in error.fields.items():
            if field in self.fields:  # type: ignore[attr-defined]
                self.add_error(field, messages)  # type: ignore[attr-defined]
                placed.extend(messages)
        summary = _without_field_name(error)
        if summary not in placed:
            banner.append(summary)
        for field, messages in error.fields.items():
            if field not in self.fields:  # type: ignore[attr-defined]
                banner.extend(m for m in messages if m not in banner)
        for message in banner:
            self.add_error(None, message)  # type: ignore[attr-defined]


def _without_field_name(error: ServiceError) -> str:
    for field, messages in error.fields.items():
        prefix = f"{field}: "
        if error.message.startswith(prefix) and error.message[len(prefix) :] in messages:
            return error.message[len(prefix) :]
    return error.message


class AssigneeByGroupMixin:
    """The assignee drop-down offers the active members of the group chosen in the same form.

    The field itself accepts any active agent: the services decide who may be assigned where and
    say so clearly; the drop-down only stops inviting the mistake. The page's script offers
    another group's members when the group changes, from the map in ``data-group-members``.
    """

    def _offer_assignees(
        self, *, groups: list[SupportGroup], members: dict[str, list[User]], default: str
    ) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        fields["assignment_group"].widget.choices = [
            ("", fields["assignment_group"].empty_label),
            *((g.pk, g.name) for g in groups),
        ]
        # Each agent's name once, as [id, name] pairs: an attribute escapes every quote, and an
        # import can bring a thousand agents.
        names = {u.pk: u.name for users in members.values() for u in users}
        group_map = {key: [u.pk for u in users] for key, users in members.items()}
        assignee = fields["assignee"]
        assignee.widget.attrs["data-group-members"] = json.dumps(
            {"names": list(names.items()), "groups": group_map},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        chosen = self["assignment_group"].value()  # type: ignore[index]
        key = "" if chosen in (None, "") else str(chosen)
        shown = members.get(key, members.get(default, []))
        self._offered = {u.pk for u in shown}
        assignee.widget.choices = [("", assignee.empty_label), *((u.pk, u.name) for u in shown)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        # Keep the agent's pick in the drop-down when the form comes back with an error.
        picked = data.get("assignee")
        if picked is not None and picked.pk not in getattr(self, "_offered", ()):
            self.fields["assignee"].widget.choices.append((picked.pk, picked.name))  # type: ignore[attr-defined]
        return data


def _groups(current: int | None = None):
    return SupportGroup.objects.filter(Q(is_active=True) | Q(pk=current)).order_by("tier", "name")


def _setup_categories(form: forms.Form, category_id: int | None, sub_id: int | None) -> None:
    """Categories, and subcategories grouped under their parent so the choice reads clearly."""
    # The querysets check what is posted; the drop-downs are drawn from the categories kept per
    # process (core.config): every ticket page drew them, a few hundred rows, from two queries.
    roots = Category.objects.filter(parent=None).filter(Q(is_active=True) | Q(pk=category_id))
    form.fields["category"].queryset = roots
    subs = Category.objects.filter(parent__isnull=False).filter(Q(is_active=True) | Q(pk=sub_id))
    form.fields["subcategory"].queryset = subs
    rows = config.kept("desk.categories", _category_rows)
    category = form.fields["category"]
    category.widget.choices = [
        ("", category.empty_label),
        *((pk, name) for pk, name, parent, _, active in rows if parent is None and (active or pk == category_id)),
    ]  # fmt: skip
    grouped: dict[str, list[tuple[str, str]]] = {}
    for pk, name, _parent, parent_name, active in sorted(
        (row for row in rows if row[2] is not None), key=lambda row: (row[3], row[1])
    ):
        if active or pk == sub_id:
            grouped.setdefault(parent_name, []).append((str(pk), name))
    form.fields["subcategory"].widget.choices = [("", "—"), *grouped.items()]


def _category_rows() -> list[tuple[int, str, int | None, str | None, bool]]:
    """Every category as (pk, name, parent pk, parent name, active), by name."""
    return list(
        Category.objects.order_by("name", "pk").values_list(
            "pk", "name", "parent_id", "parent__name", "is_active"
        )
    )


class TicketEditForm(ServiceErrorsMixin, AssigneeByGroupMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    state = forms.ChoiceField(choices=State.choices, widget=FastSelect)
    impact = forms.TypedChoiceField(choices=Impact.choices, coerce=int, widget=FastSelect)
    urgency = forms.TypedChoiceField(choices=Impact.choices, coerce=int, widget=FastSelect)
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, widget=FastSelect)
    priority_override_reason = forms.CharField(
        required=False, max_length=500, label="Override reason"
    )
    assignment_group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        required=False,
        label="Group",
        empty_label="—",
        widget=FastSelect,
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="— unassigned —",
        widget=FastSelect,
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="—", widget=FastSelect
    )
    subcategory = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, widget=FastSelect
    )
    resolution_code = forms.ChoiceField(
        choices=[("", "—"), *ResolutionCode.choices], required=False, widget=FastSelect
    )
    resolution_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, strip=True
    )

    def __init__(self, *args, ticket: Ticket, **kwargs):
        initial = {
            "version": ticket.version,
            "state": ticket.state,
            "impact": ticket.impact,
            "urgency": ticket.urgency,
            "priority": ticket.priority,
            "priority_override_reason": ticket.priority_override_reason,
            "assignment_group": ticket.assignment_group_id,
            "assignee": ticket.assignee_id,
            "category": ticket.category_id,
            "subcategory": ticket.subcategory_id,
            "resolution_code": ticket.resolution_code,
            "resolution_notes": ticket.resolution_notes,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["assignment_group"].queryset = _groups(ticket.assignment_group_id)
        self.fields["assignee"].queryset = agents() | User.objects.filter(pk=ticket.assignee_id)
        groups = list(_groups(ticket.assignment_group_id))
        members = {
            str(g): users for g, users in active_members(group_ids=[g.pk for g in groups]).items()
        }
        current = str(ticket.assignment_group_id or "")
        members.setdefault(current, [])
        if ticket.assignee is not None and ticket.assignee not in members[current]:
            members[current] = [*members[current], ticket.assignee]
        self._offer_assignees(groups=groups, members=members, default=current)
        _setup_categories(self, ticket.category_id, ticket.subcategory_id)
        # Offer the moves the transition table allows; any state still validates, so that the
        # service, not the form, is the one to refuse a move it does not allow.
        allowed = TRANSITIONS[ticket.state]
        self.fields["state"].widget.choices = [
            (s.value, s.label) for s in State if s == ticket.state or s in allowed
        ]

    def changes(self) -> dict[str, Any]:
        """Only what the agent changed, so the event records exactly that."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


class ReplyForm(ServiceErrorsMixin, forms.Form):
    PUBLIC, INTERNAL = "public", "internal"

    # The service says what a comment needs (text or a file), so the form does not repeat it.
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, label="")
    visibility = forms.ChoiceField(
        choices=[(PUBLIC, "Public reply"), (INTERNAL, "Internal note")],
        widget=forms.RadioSelect,
        initial=PUBLIC,
    )
    attachments = MultipleFileField(required=False)

    @property
    def is_public(self) -> bool:
        return self.cleaned_data["visibility"] == self.PUBLIC


class LinkForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(choices=LinkKind.choices, initial=LinkKind.RELATED, widget=FastSelect)
    target = forms.CharField(max_length=20, label="Ticket number")


class WatcherForm(forms.Form):
    login = forms.CharField(max_length=254, label="User name or email")


class TicketCreateForm(ServiceErrorsMixin, AssigneeByGroupMixin, forms.Form):
    """Log a call or raise a ticket for someone: the requester is picked beforehand."""

    requester = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), widget=forms.HiddenInput
    )
    channel = forms.ChoiceField(
        choices=[(c.value, c.label) for c in INTAKE_CHANNELS],
        initial=Channel.PHONE,
        widget=FastSelect,
    )
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.INCIDENT, widget=FastSelect)
    title = forms.CharField(max_length=255)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    impact = forms.TypedChoiceField(
        choices=Impact.choices, coerce=int, initial=Impact.LOW, widget=FastSelect
    )
    urgency = forms.TypedChoiceField(
        choices=Impact.choices, coerce=int, initial=Impact.LOW, widget=FastSelect
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="—", widget=FastSelect
    )
    subcategory = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, widget=FastSelect
    )
    assignment_group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        required=False,
        label="Group",
        empty_label="— route automatically —",
        widget=FastSelect,
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="— unassigned —",
        widget=FastSelect,
    )
    attachments = MultipleFileField(required=False)

    def __init__(self, *args, agent: User, fixed_channel: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_channel = fixed_channel
        if fixed_channel:
            del self.fields["channel"]
        self.fields["assignment_group"].queryset = _groups()
        self.fields["assignee"].queryset = agents()
        groups = list(_groups())
        own = own_group_ids(agent)
        found = active_members(group_ids={*(g.pk for g in groups), *own})
        members = {str(g.pk): found[g.pk] for g in groups}
        # Routed automatically, the ticket most often stays in the agent's own groups.
        colleagues = {u.pk: u for gid in own for u in found[gid]}
        members[""] = sorted(colleagues.values(), key=lambda u: (u.name.casefold(), u.pk))
        self._offer_assignees(groups=groups, members=members, default="")
        _setup_categories(self, None, None)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "requester": data["requester"],
            "channel": self.fixed_channel or data["channel"],
            "kind": data["kind"],
            "title": data["title"],
            "description": data["description"],
            "impact": data["impact"],
            "urgency": data["urgency"],
            "category": data["category"],
            "subcategory": data["subcategory"],
            "assignment_group": data["assignment_group"],
            "assignee": data["assignee"],
            "attachments": data["attachments"],
        }
