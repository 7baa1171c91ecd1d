"""Every write to a complaint, one module per part of the lifecycle. Admin, portal, API
and jobs call these and nothing else changes `state`.

Each transition service: opens a transaction, locks the row through a selector (a
complaint the actor may not see is "not found"), refuses a wrong state or a missing
permission with a domain error, runs the django-fsm transition, saves, and leaves a
history row carrying the actor, the transition name and the reason.
"""

from complaints.services.base import RESIDENT_CHANNELS, settings_duration
from complaints.services.contact import complaint_reveal_contact
from complaints.services.holds import (
    complaint_hold,
    complaint_mark_on_site,
    complaint_resume,
    hold_end,
)
from complaints.services.intake import complaint_create, complaint_take_in
from complaints.services.iot import (
    device_alert_receive,
    device_change,
    device_create,
    device_token_issue,
    device_token_revoke,
)
from complaints.services.notify import notification_mark_read
from complaints.services.quality import (
    complaint_message_send,
    corrective_action_answer,
    corrective_action_close,
    inspection_score,
    inspections_draw,
    model_case_change,
    model_case_write,
)
from complaints.services.surveys import survey_submit
from complaints.services.transitions import (
    complaint_accept,
    complaint_classify,
    complaint_close,
    complaint_dispatch,
    complaint_handle,
    complaint_merge,
    complaint_reopen,
    complaint_revisit,
    complaint_set_level,
    complaint_transfer_ownership,
    complaint_withdraw,
)

__all__ = [
    "RESIDENT_CHANNELS",
    "complaint_accept",
    "complaint_classify",
    "complaint_close",
    "complaint_create",
    "complaint_dispatch",
    "complaint_handle",
    "complaint_hold",
    "complaint_mark_on_site",
    "complaint_merge",
    "complaint_message_send",
    "complaint_reopen",
    "complaint_resume",
    "complaint_reveal_contact",
    "complaint_revisit",
    "complaint_set_level",
    "complaint_take_in",
    "complaint_transfer_ownership",
    "complaint_withdraw",
    "corrective_action_answer",
    "corrective_action_close",
    "device_alert_receive",
    "device_change",
    "device_create",
    "device_token_issue",
    "device_token_revoke",
    "hold_end",
    "inspection_score",
    "inspections_draw",
    "model_case_change",
    "model_case_write",
    "notification_mark_read",
    "settings_duration",
    "survey_submit",
]
