"""Knowledge articles, their versions, files, feedback, deflections and links to tickets."""

from django.conf import settings
from django.db import models

from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import Category, Ticket

USER = settings.AUTH_USER_MODEL


class Article(models.Model):
    """A knowledge article. ``body`` is Markdown as written; ``body_html`` is it rendered and
    sanitised (what pages show), ``body_text`` the plain words (what the search index reads,
    so snippets never show Markdown syntax or markup)."""

    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    body_text = models.TextField(blank=True, editable=False)
    keywords = models.CharField(max_length=500, blank=True, help_text="Words separated by commas.")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    state = models.CharField(
        max_length=16, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_articles"
    )
    review_date = models.DateField(null=True, blank=True)
    source_ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The file a kb-import took it from: a re-import updates the same article.
    import_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    deflection_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    not_helpful_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["state", "audience"], name="kb_article_visible")]

    def __str__(self) -> str:
        return self.title

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    @property
    def helpful_ratio(self) -> float | None:
        votes = self.helpful_count + self.not_helpful_count
        return self.helpful_count / votes if votes else None


class ArticleVersion(models.Model):
    """The article as it was after one save or transition; never edited."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    keywords = models.CharField(max_length=500, blank=True)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    state = models.CharField(max_length=16, choices=ArticleState.choices)
    category_name = models.CharField(max_length=420, blank=True)
    note = models.CharField(max_length=255, blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


def article_file_path(instance: "ArticleAttachment", filename: str) -> str:
    # Stored under a content hash, never under the uploader's file name.
    return f"knowledge/{instance.sha256[:2]}/{instance.sha256}"


class ArticleAttachment(models.Model):
    """A file or image of an article; seen by whoever may see the article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=article_file_path, max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["filename", "id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}


class ArticleFeedback(models.Model):
    """Helpful or not, with an optional comment, from one reader."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{'helpful' if self.helpful else 'not helpful'} on {self.article_id}"


class Deflection(models.Model):
    """ "This solved my problem": a ticket that was not raised."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="kb_deflection_created")]

    def __str__(self) -> str:
        return f"deflection by {self.article_id} ({self.channel})"


class ArticleTicketLink(models.Model):
    """An article used on a ticket (linked from the desk's ticket page)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="article_links")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["article", "ticket"], name="kb_link_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} on {self.ticket_id}"
