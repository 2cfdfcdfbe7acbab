"""Knowledge forms: they check the shape of input; the services check the rest."""

from typing import Any

from django import forms

from servicedesk.accounts.selectors import agents
from servicedesk.core.errors import ServiceError
from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.search import MAX_QUERY
from servicedesk.tickets.models import Category


class ServiceErrorsMixin:
    def add_service_error(self, error: ServiceError) -> None:
        placed = False
        for name, messages in error.fields.items():
            if name in self.fields:
                for message in messages:
                    self.add_error(name, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)


class ArticleForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(max_length=255)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}),
        required=False,
        help_text="Markdown: **bold**, lists, `code`, [links](https://...), images from the "
        "files below as ![what it shows](/kb/files/...).",
    )
    keywords = forms.CharField(
        max_length=500, required=False, help_text="Words people search with, separated by commas."
    )
    category = forms.ModelChoiceField(
        Category.objects.filter(is_active=True).select_related("parent"), required=False
    )
    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.PUBLIC)
    owner = forms.ModelChoiceField(agents(), required=False)
    review_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="YYYY-MM-DD"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = self.fields["category"].queryset.order_by(
            "parent__name", "name"
        )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class DeskSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY)
    state = forms.ChoiceField(choices=[("", "Any state"), *ArticleState.choices], required=False)
    audience = forms.ChoiceField(choices=[("", "Any audience"), *Audience.choices], required=False)


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda v: v == "yes"
    )
    comment = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class UploadForm(forms.Form):
    file = forms.FileField()
