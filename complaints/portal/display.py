"""What the resident reads: plain-words states, the level's promise, the next step and the
progress timeline built from the complaint's history rows.

Nothing here decides a deadline: windows come from `complaints.sla`, open deadlines from
`sla.open_deadlines`. This module only puts them into words.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from complaints import sla
from complaints.models import CLOSED_STATES, Complaint, Deadline, Photo, State, Survey, Transition
from complaints.portal.forms import STARS
from complaints.reasons import reason_text
from propertydesk.durations import duration_words
from staff.selectors import is_system_user, user_display_name

STATE_WORDS = {
    State.NEW: gettext_lazy("Submitted"),
    State.ACCEPTED: gettext_lazy("Accepted"),
    State.CLASSIFIED: gettext_lazy("Accepted"),
    State.DISPATCHED: gettext_lazy("Being fixed"),
    State.HANDLED: gettext_lazy("Fixed — please confirm"),
    State.CLOSED: gettext_lazy("Closed"),
    State.REVISITED: gettext_lazy("Closed"),
    State.REOPENED: gettext_lazy("Reopened"),
    State.WITHDRAWN: gettext_lazy("Withdrawn"),
    State.MERGED: gettext_lazy("Merged"),
}
# Badge colour groups for the stylesheet.
STATE_TONE = {
    State.NEW: "waiting",
    State.ACCEPTED: "working",
    State.CLASSIFIED: "working",
    State.DISPATCHED: "working",
    State.REOPENED: "working",
    State.HANDLED: "action",
    State.CLOSED: "done",
    State.REVISITED: "done",
    State.WITHDRAWN: "off",
    State.MERGED: "off",
}


def state_words(complaint: Complaint) -> str:
    return str(STATE_WORDS.get(complaint.state, complaint.get_state_display()))


def when_words(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def due_words(due: datetime) -> str:
    """A deadline in words. Deadlines are exclusive ends: one at local midnight (the
    working-day reply) is shown as the end of the day before (23:59), not as 00:00 of the
    day after."""
    local = timezone.localtime(due)
    if local.time() == time():
        local -= timedelta(microseconds=1)
    return when_words(local)


def promise_sentences(complaint: Complaint) -> list[str]:
    """The level's promise in plain words, e.g. "We will respond within 2 hours."."""
    windows = sla.windows_promised(
        property_id=complaint.property_id, level=sla.provisional_level(complaint)
    )
    sentences = [
        _("We will respond within %(time)s.") % {"time": duration_words(windows.first_response)}
    ]
    if windows.on_site:
        sentences.append(
            _("Someone will be on site within %(time)s.")
            % {"time": duration_words(windows.on_site)}
        )
    if windows.resolve:
        sentences.append(
            _("We aim to resolve it within %(time)s.") % {"time": duration_words(windows.resolve)}
        )
    elif windows.resolve_working_days:
        days = windows.resolve_working_days
        sentences.append(
            ngettext(
                "You will get a written reply within %(count)d working day.",
                "You will get a written reply within %(count)d working days.",
                days,
            )
            % {"count": days}
        )
    return sentences


DEADLINE_WORDS = {
    Deadline.FIRST_RESPONSE: gettext_lazy("Someone assigned by %(when)s"),
    Deadline.ON_SITE: gettext_lazy("Someone on site by %(when)s"),
    Deadline.RESOLVE: gettext_lazy("Fixed by %(when)s"),
}


def survey_pending(complaint: Complaint, surveys: Iterable[Survey] | None = None) -> bool:
    """The latest closing has not been rated yet (display only; `survey_submit` decides)."""
    if complaint.state not in CLOSED_STATES:
        return False
    if surveys is None:
        surveys = complaint.surveys.all()
    return not any(
        item.cycle == complaint.reopen_count and item.submitted_at is not None for item in surveys
    )


def next_step(complaint: Complaint) -> str:
    """What the resident can expect next, in one line."""
    state = complaint.state
    if state == State.NEW and complaint.first_response_due is not None:
        return _("Response by %(when)s") % {"when": due_words(complaint.first_response_due)}
    if state == State.HANDLED:
        return _("Please confirm the fix")
    if state in CLOSED_STATES:
        return _("Please rate our service") if survey_pending(complaint) else _("Done")
    if state == State.WITHDRAWN:
        return _("Withdrawn by you")
    if state == State.MERGED:
        return _("Handled together with %(reference)s") % {
            "reference": complaint.merged_into.reference if complaint.merged_into_id else ""
        }
    if complaint.held_since is not None and complaint.held_until is not None:
        return _("On hold until %(when)s") % {"when": when_words(complaint.held_until)}
    deadlines = sla.open_deadlines(complaint)
    if deadlines:
        first = min(deadlines, key=lambda item: item.due_at)
        return str(DEADLINE_WORDS[first.deadline]) % {"when": due_words(first.due_at)}
    return _("We are looking into it")


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    detail: str = ""
    photos: list[Photo] = field(default_factory=list)


def _actor_name(row) -> str:
    return user_display_name(row.history_user) if row.history_user_id else ""


def _entry_for(row, resident_user_id: int | None) -> TimelineEntry | None:
    """One history row in plain words, or None for rows a resident need not see."""
    transition = row.transition
    actor = _actor_name(row)
    by_resident = row.history_user_id == resident_user_id
    by_system = row.history_user_id is not None and is_system_user(row.history_user)
    reason = reason_text(row.history_change_reason or "")
    if transition == Transition.CREATE:
        return TimelineEntry(row.history_date, _("Submitted"))
    if transition == Transition.ACCEPT:
        return TimelineEntry(
            row.history_date,
            _("Accepted by %(name)s") % {"name": actor},
            _("%(name)s is responsible for your complaint until it is closed.") % {"name": actor},
        )
    if transition == Transition.CLASSIFY:
        category = row.category.name if row.category_id and row.category else ""
        return TimelineEntry(row.history_date, _("Checked and sorted"), category)
    if transition == Transition.DISPATCH:
        team = row.team.name if row.team_id and row.team else ""
        detail = ""
        if row.assignee_id and row.assignee:
            detail = _("%(name)s is on the way.") % {"name": user_display_name(row.assignee)}
        return TimelineEntry(row.history_date, _("Sent to %(team)s") % {"team": team}, detail)
    if transition == Transition.ON_SITE:
        return TimelineEntry(row.history_date, _("Arrived on site"))
    if transition == Transition.RESUME:
        return TimelineEntry(row.history_date, _("Work resumed"))
    if transition == Transition.HANDLE:
        return TimelineEntry(row.history_date, _("Fixed"), row.resolution_note)
    if transition == Transition.CLOSE:
        if by_resident:
            return TimelineEntry(row.history_date, _("You confirmed the fix"))
        if by_system:
            return TimelineEntry(
                row.history_date, _("Closed"), _("Closed automatically: no reply was received.")
            )
        return TimelineEntry(row.history_date, _("Closed by %(name)s") % {"name": actor}, reason)
    if transition == Transition.REVISIT:
        return TimelineEntry(row.history_date, _("Customer service called you back"))
    if transition == Transition.REOPEN:
        title = _("You said it is not fixed") if by_resident else _("Reopened")
        return TimelineEntry(row.history_date, title, reason)
    if transition == Transition.WITHDRAW:
        return TimelineEntry(row.history_date, _("You withdrew the complaint"), reason)
    if transition == Transition.MERGE:
        reference = row.merged_into.reference if row.merged_into_id and row.merged_into else ""
        return TimelineEntry(
            row.history_date,
            _("Handled together with %(reference)s") % {"reference": reference},
            _("Someone reported the same problem; both are handled as one."),
        )
    if transition == Transition.MESSAGE:
        # The message as sent (complaint_message_send keeps its text as the reason).
        return TimelineEntry(
            row.history_date,
            _("Message from %(name)s") % {"name": actor},
            row.history_change_reason or "",
        )
    if transition == Transition.TRANSFER:
        owner = user_display_name(row.owner) if row.owner_id and row.owner else ""
        return TimelineEntry(row.history_date, _("Now looked after by %(name)s") % {"name": owner})
    return None


def timeline(complaint: Complaint) -> list[TimelineEntry]:
    """The complaint's progress, oldest first: submitted (with the resident's photos),
    accepted by whom, sent to which team, waiting (and why), fixed (with the after
    photos), closed …"""
    rows = (
        complaint.history.select_related("history_user", "category", "team", "assignee", "owner")
        .prefetch_related("merged_into")  # only merge rows have one; joined, costly to plan
        .order_by("history_date", "history_id")
    )
    resident_user_id = complaint.resident.user_id if complaint.resident_id else None
    entries: list[tuple[str, TimelineEntry]] = []
    for row in rows:
        entry = _entry_for(row, resident_user_id)
        if entry is not None:
            entries.append((row.transition, entry))
    # A hold is told from its own row: the reason in plain words, never the staff's note.
    for hold in complaint.holds.all():
        entries.append(
            (
                "hold",
                TimelineEntry(
                    hold.started_at,
                    _("Waiting"),
                    _("%(reason)s. Expected to continue by %(when)s.")
                    % {
                        "reason": hold.get_reason_display(),
                        "when": when_words(hold.expected_resume_at),
                    },
                ),
            )
        )
    entries.sort(key=lambda item: item[1].at)
    handled = [entry for transition, entry in entries if transition == Transition.HANDLE]
    submitted = next(
        (entry for transition, entry in entries if transition == Transition.CREATE), None
    )
    for photo in complaint.photos.all():
        if photo.step == Photo.Step.EVIDENCE:
            target = submitted
        elif photo.step == Photo.Step.AFTER:
            # Handling photos are stored just before the handle row is written.
            target = next((entry for entry in handled if entry.at >= photo.created_at), None)
        else:
            target = None
        if target is not None:
            target.photos.append(photo)
    return [entry for _transition, entry in entries]


def score_words(score: int) -> str:
    """A survey score as the resident gave it ("4 stars: good"); any other as N / 100."""
    return str(dict(STARS).get(score, f"{score} / 100"))
