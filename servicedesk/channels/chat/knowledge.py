"""The knowledge base as the chatbot sees it: search (visibility applied) and deflections.

One module the engine calls through, so the engine's tests can stand a fixed set of hits in
for the search index.
"""

from servicedesk.knowledge.selectors import article_search
from servicedesk.knowledge.services import article_deflection_record

__all__ = ["article_deflection_record", "article_search"]
