"""The knowledge base as the chatbot sees it: search (visibility applied) and deflections."""

try:
    from servicedesk.knowledge.selectors import article_search
    from servicedesk.knowledge.services import article_deflection_record
except ImportError:  # the knowledge base is built beside the chatbot; until it lands, no articles

    def article_search(*, user, query: str, limit: int = 5) -> list:
        return []

    def article_deflection_record(*, article_id: int, user, channel: str) -> None:
        return None


__all__ = ["article_deflection_record", "article_search"]
