"""Portal forms: they check the shape of what end users type; the ticket services check the rest."""

from django import forms

from servicedesk.core.errors import ServiceError
from servicedesk.tickets.choices import Impact, Kind, Urgency
from servicedesk.tickets.models import Category

PORTAL_KINDS = (Kind.INCIDENT, Kind.REQUEST)

# Impact and urgency in words an end user answers without knowing what a priority matrix is.
IMPACT_CHOICES = [
    (Impact.LOW, "Just me"),
    (Impact.MEDIUM, "A few people or my team"),
    (Impact.HIGH, "Many people, a whole site or a customer service"),
]
URGENCY_CHOICES = [
    (Urgency.LOW, "It can wait a few days"),
    (Urgency.MEDIUM, "Soon: it slows my work down"),
    (Urgency.HIGH, "Now: I cannot work"),
]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none were chosen)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        one = super().clean
        return [one(item, initial) for item in files if item]


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(
        required=False,
        label="Attach files",
        help_text="Screenshots or documents that help us understand. You can pick several.",
    )


class PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels here are questions; no trailing colon
        super().__init__(*args, **kwargs)


class TicketForm(PortalForm):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in PORTAL_KINDS], widget=forms.HiddenInput
    )
    title = forms.CharField(
        max_length=255,
        label="In a few words, what is it about?",
        error_messages={"required": "Please give it a short title."},
        widget=forms.TextInput(attrs={"placeholder": "For example: The printer on floor 3 jams"}),
    )
    description = forms.CharField(
        required=False,
        label="Tell us more",
        help_text="What happened, what you expected, any error message you saw.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    impact = forms.TypedChoiceField(
        coerce=int,
        choices=IMPACT_CHOICES,
        initial=Impact.LOW,
        label="How many people are affected?",
        widget=forms.RadioSelect,
    )
    urgency = forms.TypedChoiceField(
        coerce=int,
        choices=URGENCY_CHOICES,
        initial=Urgency.LOW,
        label="How soon do you need it?",
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(parent=None, is_active=True),
        required=False,
        label="Which area is it? (optional)",
        empty_label="I am not sure",
    )
    attachments = _attachments_field()


class ReplyForm(PortalForm):
    body = forms.CharField(
        required=False,
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Write your message here"}),
    )
    attachments = _attachments_field()


class RejectForm(PortalForm):
    reason = forms.CharField(
        label="What is still not working?",
        error_messages={"required": "Please tell us what is still wrong."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def add_service_error(form: forms.Form, error: ServiceError) -> None:
    """Show a service's refusal beside the fields it names, or above the form otherwise."""
    placed = False
    for field, messages in error.fields.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
