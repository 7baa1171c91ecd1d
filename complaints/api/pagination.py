"""Keyset pagination: a page is "the next N rows after this one" in a unique order, so
page 1,000 costs the database what page 1 costs (no OFFSET, no count)."""

from django.db.models import Q, QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, _reverse_ordering


class KeysetPagination(CursorPagination):
    """DRF's cursor pagination over a composite key: an indexed field and the primary
    key after it, both in the same direction (e.g. ``("-created_at", "-id")``).

    DRF's own cursor holds the first field only and pages through rows that share its
    value with an OFFSET; here the cursor holds both values, so the order is unique, no
    row is skipped or repeated when values tie, and no offset is ever applied (an
    offset in a crafted cursor is ignored). The first field is filtered with a range
    the field's index serves (``field <= value``) and the tie broken by the key.
    """

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    separator = "|"

    def get_ordering(self, request, queryset, view) -> tuple[str, str]:
        ordering = super().get_ordering(request, queryset, view)
        first, second = ordering
        assert second.lstrip("-") in ("id", "pk"), "the second field must be the key"
        assert first.startswith("-") == second.startswith("-"), "one direction for both"
        return ordering

    def decode_cursor(self, request) -> Cursor | None:
        # An unreadable cursor is bad input (400 naming the parameter), not a missing page.
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [error.detail]}) from None
        return None if cursor is None else cursor._replace(offset=0)

    def _field(self, queryset: QuerySet):
        return queryset.model._meta.get_field(self.ordering[0].lstrip("-"))

    def _get_position_from_instance(self, instance, ordering) -> str:
        field = instance._meta.get_field(ordering[0].lstrip("-"))
        return f"{field.value_to_string(instance)}{self.separator}{instance.pk}"

    def _parse_position(self, queryset: QuerySet, position: str):
        text, _sep, key = position.rpartition(self.separator)
        try:
            value = self._field(queryset).to_python(text)
            pk = int(key)
        except Exception:  # any unreadable cursor is "invalid cursor", like DRF's own
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            ) from None
        if value is None:
            raise NotFound(self.invalid_cursor_message)
        return value, pk

    def _after(self, queryset: QuerySet, position: str, *, before: bool) -> QuerySet:
        """The rows after `position` in the direction of the query: with `before`, those
        whose (field, key) is smaller."""
        value, pk = self._parse_position(queryset, position)
        name = self.ordering[0].lstrip("-")
        op = "lt" if before else "gt"
        return queryset.filter(
            Q(**{f"{name}__{op}e": value}),
            Q(**{f"{name}__{op}": value}) | Q(**{f"pk__{op}": pk}),
        )

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse, current_position = (
            (False, None) if self.cursor is None else (self.cursor.reverse, self.cursor.position)
        )
        ordering = _reverse_ordering(self.ordering) if reverse else self.ordering
        queryset = queryset.order_by(*ordering)
        if current_position is not None:
            descending = self.ordering[0].startswith("-")
            queryset = self._after(queryset, current_position, before=reverse != descending)

        results = list(queryset[: self.page_size + 1])
        self.page = results[: self.page_size]
        following = (
            self._get_position_from_instance(results[-1], self.ordering)
            if len(results) > len(self.page)
            else None
        )
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = current_position is not None, following is not None
            self.next_position, self.previous_position = current_position, following
        else:
            self.has_next, self.has_previous = following is not None, current_position is not None
            self.next_position, self.previous_position = following, current_position
        self.display_page_controls = self.has_previous or self.has_next
        return self.page
