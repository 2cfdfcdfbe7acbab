"""Keyset (cursor) pagination: every page costs the same, however deep."""

from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
