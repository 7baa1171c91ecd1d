"""Complaints and their lifecycle (SPEC §3); one module per part of the domain.

    new --accept--> accepted --classify--> classified --dispatch--> dispatched
    dispatched --dispatch--> dispatched              (re-dispatch to another team)
    dispatched --handle--> handled --close--> closed --revisit--> revisited
    handled|closed|revisited --reopen--> reopened --dispatch--> dispatched
    new --withdraw--> withdrawn                      (resident, before acceptance)
    new|accepted --merge--> merged                   (duplicate of another complaint)

Transition methods only change fields in memory; `complaints.services` runs them,
checks permissions, saves and records the history.
"""

from complaints.models.category import Category
from complaints.models.complaint import (
    REFERENCE_PATTERN,
    REFERENCE_PREFIX,
    RESIDENT_REOPEN_WINDOW,
    Complaint,
)
from complaints.models.intake_rules import (
    BoardToken,
    CategoryKeyword,
    EmergencyPhrase,
    IntakeSuggestion,
    PhraseLanguage,
)
from complaints.models.iot import Device, DeviceAlert
from complaints.models.notification import Notification
from complaints.models.photo import (
    PHOTO_FOLDERS,
    Photo,
    photo_folder,
    photo_upload_to,
    thumbnail_upload_to,
)
from complaints.models.privacy import PersonalDataAccess
from complaints.models.quality import (
    SCRIPT_PLACEHOLDERS,
    ComplaintMessage,
    CorrectiveAction,
    Inspection,
    InspectionDraw,
    ModelCase,
    ReplyScript,
)
from complaints.models.repeat import RepeatMember
from complaints.models.sla import (
    Breach,
    Deadline,
    Hold,
    PropertySlaOverride,
    SlaPolicy,
    WorkdayOverride,
)
from complaints.models.snapshot import MonthlySnapshot
from complaints.models.survey import Survey
from complaints.models.vocabulary import (
    ACCEPTED_OPEN_STATES,
    AWAITING_RESPONSE_STATES,
    CLOSED_STATES,
    DISCARDED_STATES,
    IN_PROGRESS_STATES,
    OWNERLESS_STATES,
    Channel,
    Level,
    State,
    Transition,
)
from complaints.models.webhook import (
    TRANSITION_EVENTS,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookFormat,
)

__all__ = [
    "ACCEPTED_OPEN_STATES",
    "AWAITING_RESPONSE_STATES",
    "CLOSED_STATES",
    "DISCARDED_STATES",
    "IN_PROGRESS_STATES",
    "OWNERLESS_STATES",
    "PHOTO_FOLDERS",
    "REFERENCE_PATTERN",
    "REFERENCE_PREFIX",
    "RESIDENT_REOPEN_WINDOW",
    "SCRIPT_PLACEHOLDERS",
    "TRANSITION_EVENTS",
    "BoardToken",
    "Breach",
    "Category",
    "CategoryKeyword",
    "Channel",
    "Complaint",
    "ComplaintMessage",
    "CorrectiveAction",
    "Deadline",
    "Device",
    "DeviceAlert",
    "EmergencyPhrase",
    "Hold",
    "Inspection",
    "InspectionDraw",
    "IntakeSuggestion",
    "Level",
    "ModelCase",
    "MonthlySnapshot",
    "Notification",
    "PersonalDataAccess",
    "Photo",
    "PhraseLanguage",
    "PropertySlaOverride",
    "RepeatMember",
    "ReplyScript",
    "SlaPolicy",
    "State",
    "Survey",
    "Transition",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookFormat",
    "WorkdayOverride",
    "photo_folder",
    "photo_upload_to",
    "thumbnail_upload_to",
]
