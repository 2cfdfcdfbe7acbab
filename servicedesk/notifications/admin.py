from django import forms
from django.contrib import admin
from django.utils.html import format_html

from servicedesk.notifications.models import NotificationTemplate
from servicedesk.notifications.rendering import SAMPLE_CONTEXT, render_strings, with_tag


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ("kind", "enabled", "subject", "body")

    def clean(self):
        cleaned = super().clean()
        subject, body = cleaned.get("subject"), cleaned.get("body")
        if subject is None or body is None:
            return cleaned
        # Rendered with the sample values: a template that does not compile or fails to render
        # is refused here, so that mail never meets it.
        for field, text in (("subject", subject), ("body", body)):
            try:
                render_strings(text, "", SAMPLE_CONTEXT)
            except Exception as error:
                self.add_error(field, f"This template does not work: {error}")
        return cleaned


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateForm
    list_display = ("kind", "enabled", "subject", "updated_at")
    readonly_fields = ("preview", "variables")
    fields = ("kind", "enabled", "subject", "body", "preview", "variables")

    @admin.display(description="Preview (saved version, sample values)")
    def preview(self, template: NotificationTemplate) -> str:
        if template.pk is None:
            return "Save to see a preview."
        try:
            subject, body = render_strings(template.subject, template.body, SAMPLE_CONTEXT)
        except Exception as error:
            return f"This template does not work: {error}"
        subject = with_tag(subject, SAMPLE_CONTEXT["ticket"]["number"])
        return format_html(
            '<div style="white-space: pre-wrap; font-family: monospace">Subject: {}\n\n{}</div>',
            subject,
            body,
        )

    @admin.display(description="Values a template can use")
    def variables(self, template: NotificationTemplate) -> str:
        names = []
        for name, value in SAMPLE_CONTEXT.items():
            if isinstance(value, dict):
                names += [f"{{{{ {name}.{key} }}}}" for key in value]
            else:
                names.append(f"{{{{ {name} }}}}")
        return ", ".join(names)
