"""Articles for tests, written through the services like everything else."""

from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import Article
from servicedesk.knowledge.services import article_create


def make_article(
    title: str,
    body: str = "",
    *,
    keywords: str = "",
    audience: str = Audience.PUBLIC,
    state: str = ArticleState.PUBLISHED,
    by=None,
    **extra,
) -> Article:
    article = article_create(
        by=by,
        title=title,
        body=body or f"About {title}.",
        keywords=keywords,
        audience=audience,
        **extra,
    )
    if state != article.state:
        # The workflow itself is tested in test_workflow; here only the result matters.
        Article.objects.filter(pk=article.pk).update(state=state)
        article.refresh_from_db()
    return article
