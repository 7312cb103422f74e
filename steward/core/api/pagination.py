from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Cursor pagination on every list: stable under inserts and fast at any depth."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500
