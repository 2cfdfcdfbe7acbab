"""API shapes for articles: what comes in is checked here, saved by the services."""

from rest_framework import serializers

from servicedesk.accounts.selectors import agents
from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import Article, ArticleVersion
from servicedesk.knowledge.search import MAX_QUERY
from servicedesk.knowledge.selectors import article_url
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import Category


class ArticleOutput(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(read_only=True)
    owner = serializers.SlugRelatedField(read_only=True, slug_field="username")
    keywords = serializers.ListField(source="keyword_list", child=serializers.CharField())
    url = serializers.SerializerMethodField()
    # Plain strings here: the workflow's states are listed once, as the enum of ``to`` below.
    state = serializers.CharField(read_only=True, help_text="draft, review, published, retired")

    class Meta:
        model = Article
        fields = [
            "id", "title", "body", "body_html", "keywords", "category", "audience", "state",
            "owner", "review_date", "version", "created_at", "updated_at", "published_at",
            "view_count", "deflection_count", "helpful_count", "not_helpful_count", "url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, article: Article) -> str:
        return article_url(article.pk, self.context["request"].user)


class ArticleInput(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    body = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=agents(), required=False, allow_null=True
    )
    review_date = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)

    def service_values(self) -> dict:
        data = dict(self.validated_data)
        data.pop("version", None)
        if "keywords" in data:
            data["keywords"] = ", ".join(data["keywords"])
        return data


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=ArticleState.choices)


class FeedbackInput(serializers.Serializer):
    helpful = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DeflectionInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)


class SearchInput(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY, allow_blank=True, trim_whitespace=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=5)


class HitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: escaped text, matches in <mark>.")
    url = serializers.CharField()
    score = serializers.FloatField()


class SearchOutput(serializers.Serializer):
    results = HitOutput(many=True)
    corrected = serializers.CharField(help_text="The words searched instead, after a typo.")


class VersionOutput(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(read_only=True, slug_field="username")
    state = serializers.CharField(read_only=True)

    class Meta:
        model = ArticleVersion
        fields = [
            "number", "title", "body", "keywords", "audience", "state", "category_name", "note",
            "author", "created_at",
        ]  # fmt: skip
