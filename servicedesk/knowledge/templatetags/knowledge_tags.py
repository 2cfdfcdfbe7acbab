"""The knowledge panel on the desk's ticket page: related articles (link or paste their
answer), similar resolved tickets, and "create article from this ticket"."""

from django import template

from servicedesk.knowledge.models import Article
from servicedesk.knowledge.selectors import (
    article_search_result,
    similar_resolved_tickets,
    ticket_article_links,
)

register = template.Library()

RELATED = 5
SIMILAR = 5
# Enough of a ticket to find its articles; a long pasted log adds only noise and cost.
QUERY_CHARS = 300


@register.inclusion_tag("knowledge/partials/_ticket_panel.html", takes_context=True)
def kb_ticket_panel(context, ticket):
    user = context["request"].user
    query = f"{ticket.title} {(ticket.description or '')[:QUERY_CHARS]}"
    hits, _ = article_search_result(user=user, query=query, limit=RELATED, fuzzy=False)
    answers = (
        dict(Article.objects.filter(pk__in=[h.id for h in hits]).values_list("id", "body_text"))
        if hits
        else {}
    )
    links = list(ticket_article_links(ticket=ticket))
    linked = {link.article_id for link in links}
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "ticket": ticket,
        "related": [(hit, answers.get(hit.id, ""), hit.id in linked) for hit in hits],
        "links": links,
        "similar": similar_resolved_tickets(user=user, ticket=ticket, limit=SIMILAR),
    }
