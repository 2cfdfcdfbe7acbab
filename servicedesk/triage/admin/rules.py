"""Rules (with "Test this rule" before saving), group strategies, and what triage decided."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from servicedesk.triage.choices import ConditionField, Operator
from servicedesk.triage.models import Decision, GroupRouting, Rule, RuleCondition, Suggestion
from servicedesk.triage.models.rules import condition_problem
from servicedesk.triage.selectors import TEST_DEFAULT, TEST_MAX, rule_test


class ConditionTestForm(forms.Form):
    """One row of the change form's conditions, read as typed (the rule is not saved)."""

    field = forms.ChoiceField(choices=[("", "")] + ConditionField.choices, required=False)
    operator = forms.ChoiceField(choices=Operator.choices, required=False)
    value = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("field"):
            problem = condition_problem(data["field"], data.get("operator") or "", data["value"])
            if problem:
                raise forms.ValidationError(problem)
        return data


ConditionTestFormSet = forms.formset_factory(ConditionTestForm, can_delete=True, extra=0)


class RuleConditionInline(admin.TabularInline):
    model = RuleCondition
    extra = 1
    verbose_name = "condition (all must hold)"
    verbose_name_plural = "conditions (all must hold; none: every ticket)"


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("position", "name", "is_active", "stop", "continues", "sets")
    list_display_links = ("name",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    inlines = [RuleConditionInline]
    autocomplete_fields = ("set_group", "set_agent")
    fieldsets = (
        (None, {"fields": ("position", "name", "is_active", "stop", "continues")}),
        (
            "Actions",
            {
                "fields": ("set_category", "set_kind", "set_impact", "set_urgency",
                           "set_group", "set_agent", "add_tags"),
                "description": "Set only what is not already set: a person's choice at "
                "creation wins, and so does an earlier rule that did not say continue.",
            },
        ),
    )  # fmt: skip

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("set_category", "set_group", "set_agent")
        )

    @admin.display(description="sets")
    def sets(self, rule: Rule) -> str:
        parts = [
            f"{label}: {value}"
            for label, value in (
                ("category", rule.set_category), ("kind", rule.get_set_kind_display()),
                ("impact", rule.set_impact), ("urgency", rule.set_urgency),
                ("group", rule.set_group), ("agent", rule.set_agent), ("tags", rule.add_tags),
            )
            if value
        ]  # fmt: skip
        return "; ".join(parts) or "—"

    def get_urls(self):
        test = self.admin_site.admin_view(self.test_view)
        return [
            path("test/", test, name="triage_rule_test"),
            *super().get_urls(),
        ]

    def test_view(self, request: HttpRequest) -> HttpResponse:
        """The change form's conditions as typed, unsaved, against the last N tickets."""
        if request.method != "POST":
            return HttpResponse("Post the rule's form here.", status=405, content_type="text/plain")
        formset = ConditionTestFormSet(request.POST, prefix="conditions")
        context: dict = {"title": "Test this rule", "opts": Rule._meta}
        try:
            last = int(request.POST.get("test_last") or TEST_DEFAULT)
        except ValueError:
            last = 0
        if not 1 <= last <= TEST_MAX:
            context["error"] = f"Test against 1 to {TEST_MAX:,} tickets."
        elif not formset.is_valid():
            problems = [
                f"Condition {n}: {' '.join(m for ms in form.errors.values() for m in ms)}"
                for n, form in enumerate(formset.forms, start=1)
                if form.errors
            ]
            context["error"] = " ".join(problems + list(formset.non_form_errors()))
        else:
            kept = [
                RuleCondition(**{k: form.cleaned_data[k] for k in ("field", "operator", "value")})
                for form in formset.forms
                if form.cleaned_data.get("field") and not form.cleaned_data.get("DELETE")
            ]
            context["result"] = rule_test(conditions=kept, last=last)
        fragment = request.headers.get("X-Requested-With") == "fetch"
        template = "triage/_rule_test.html" if fragment else "triage/rule_test.html"
        return render(request, template, context, status=400 if "error" in context else 200)


@admin.register(GroupRouting)
class GroupRoutingAdmin(admin.ModelAdmin):
    list_display = ("group", "strategy", "last_agent")
    list_filter = ("strategy",)
    autocomplete_fields = ("group",)
    readonly_fields = ("last_agent",)


class ReadOnly(admin.ModelAdmin):
    """Written by the pipeline and the desk; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("ticket", "field", "value", "source", "rule_name", "model_version",
                    "confidence", "created_at")  # fmt: skip
    list_filter = ("source", "field")
    search_fields = ("ticket__number", "rule_name")
    list_select_related = ("ticket",)


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnly):
    list_display = ("ticket", "field", "label", "confidence", "threshold", "model_version",
                    "state", "decided_by")  # fmt: skip
    list_filter = ("state", "field")
    search_fields = ("ticket__number",)
    list_select_related = ("ticket", "decided_by")
