"""Full-text search over ticket titles and descriptions, for every ticket list.

``search_tickets`` narrows a queryset the caller already scoped to what the user may see
(``ticket_list`` and the queues), keeping the caller's ordering: a search list sorts like any
other list. ``terms`` reads the user's text; ``index`` keeps the database's index.
"""

from servicedesk.tickets.search.query import search_tickets

__all__ = ["search_tickets"]
