"""Knowledge in the admin site: read-only. Articles change through the desk, the API and
kb-import, so that every change is a version and goes through the workflow."""

from django.contrib import admin

from servicedesk.knowledge.models import Article, ArticleFeedback, Deflection


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnly):
    list_display = ("title", "state", "audience", "owner", "review_date", "view_count",
                    "helpful_count", "not_helpful_count", "deflection_count")  # fmt: skip
    list_filter = ("state", "audience")
    search_fields = ("title", "keywords")
    exclude = ("body_html", "body_text")


@admin.register(ArticleFeedback)
class FeedbackAdmin(ReadOnly):
    list_display = ("article", "helpful", "user", "created_at", "comment")
    list_filter = ("helpful",)


@admin.register(Deflection)
class DeflectionAdmin(ReadOnly):
    list_display = ("article", "channel", "user", "created_at")
    list_filter = ("channel",)
