"""Counts that stop at 10,000: past that, "10,000+" tells a person as much as the exact
figure, which would cost a scan of every row in scope."""

import hashlib
import re
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000
PAST_THE_CAP_FOR = 60
"""Seconds a count past the cap is taken as known: reading 10,001 rows cost a handler's
list 22–33 ms of its 70–95 ms at a million complaints (the team's rows come through a
bitmap of two indexes and the heap), on every page and sort. A count under the cap is
counted on every request, so an exact figure is always current; "more than 10,000" may
be up to a minute old."""


# SQLite's backend passes a time as text.
TIMESTAMP_TEXT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d)?")


def _to_the_minute(value):
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str) and TIMESTAMP_TEXT.fullmatch(value):
        return value[:16]
    return value


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows; `capped` says the real count is larger."""

    @cached_property
    def count(self) -> int:
        rows = self.object_list.order_by()[: COUNT_CAP + 1]
        try:
            # The SQL names the scope, the filters and the search: the same rows for anyone.
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:
            return 0
        # A queue's "now" to the minute: the overdue queue is asked with a new one each
        # time, and a count past the cap is taken as known for a minute anyway.
        params = [_to_the_minute(value) for value in params]
        key = "capped-count:" + hashlib.md5(f"{rows.db}{sql}{params!r}".encode()).hexdigest()
        if cache.get(key):
            return COUNT_CAP + 1
        count = rows.count()
        if count > COUNT_CAP:
            cache.set(key, True, PAST_THE_CAP_FOR)
        return count

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        """The admin's page links, without the last pages of a capped count: they are
        the cap's, not the list's."""
        pages = list(
            super().get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends)
        )
        if self.capped and len(pages) > on_ends and pages[-on_ends - 1] == self.ELLIPSIS:
            pages = pages[:-on_ends]
        return pages
