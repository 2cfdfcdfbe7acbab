"""The desk's views, one module per page: queues, the ticket page and its actions, intake."""
