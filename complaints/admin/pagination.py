"""Counts that stop at 10,000: past that, "10,000+" tells a person as much as the exact
figure, which would cost a scan of every row in scope."""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows; `capped` says the real count is larger."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    def page(self, number) -> Page:
        """The page's rows are chosen by the list's filters and order alone, then only
        those are read with their joined relations, in the same statement. Otherwise the
        planner, misjudging a scope that is really thousands of rows (a handler's team),
        joined them all and sorted afterwards."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        chosen = self.object_list.select_related(None).values("pk")[bottom:top]
        rows = self.object_list.all()
        # `chosen` holds the scope and the filters; the rows are read by id alone.
        rows.query.clear_where()
        return self._get_page(rows.filter(pk__in=chosen), number, self)

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
