"""Counts that stop at 10,000: past that, "10,000+" tells a person as much as the exact
figure, which would cost a scan of every row in scope."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows; `capped` says the real count is larger."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

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
