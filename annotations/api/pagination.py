"""Pagination classes of the API (page numbers by default, cursors for big lists)."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Stable cursor pages ordered by id: rows added while paging are never skipped
    or repeated, and page N costs the same as page 1 (no OFFSET)."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
