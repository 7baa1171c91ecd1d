"""The complaints app's history pages: staff's read-only history, with the reasons the
system wrote (complaints.reasons) read in the reader's language."""

from complaints.reasons import reason_text
from staff.admin_scope import ReadOnlyHistoryAdmin


class HistoryAdmin(ReadOnlyHistoryAdmin):
    def reason_text(self, reason: str) -> str:
        return reason_text(reason)
