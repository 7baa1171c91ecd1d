"""Service quality writes (issue 16): a message to the resident (with a reply script or
not), the monthly inspection draw, scoring an inspection, the corrective action a
failed one opens for the team leader (answered by the leader, closed by a supervisor),
and model cases written up from closed complaints without personal data.
"""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from complaints import clock
from complaints.exceptions import ComplaintNotFound, InvalidInput
from complaints.models import (
    ComplaintMessage,
    CorrectiveAction,
    Inspection,
    InspectionDraw,
    ModelCase,
    Notification,
    ReplyScript,
    Transition,
)
from complaints.notifications import event_key
from complaints.permissions import (
    corrective_answer_refusal,
    corrective_close_refusal,
    inspection_score_refusal,
    message_refusal,
    model_case_change_refusal,
    model_case_refusal,
)
from complaints.portal.display import due_words
from complaints.quality.personal_data import personal_data_refusal
from complaints.quality.sampling import population_ids, sample_draw, sample_rules, sample_size
from complaints.quality.scripts import script_fill
from complaints.quality.selectors import (
    corrective_action_list_visible_to,
    inspection_list_visible_to,
    model_cases_visible_to,
    reply_scripts_offered,
)
from complaints.selectors import complaint_get_for_update
from complaints.services.base import complaint_save, refuse
from complaints.services.notify import notify
from staff.models import Team

MESSAGE_MAX_LENGTH = 2000
DEFAULT_PASS_MARK = 80
DEFAULT_CORRECTIVE_ACTION_DAYS = 7


def pass_mark() -> int:
    """PROPERTYDESK_INSPECTION_PASS_MARK: an inspection whose mean score is below it
    fails (default 80, the satisfaction threshold)."""
    return int(getattr(settings, "PROPERTYDESK_INSPECTION_PASS_MARK", DEFAULT_PASS_MARK))


def corrective_action_time() -> timedelta:
    days = getattr(settings, "PROPERTYDESK_CORRECTIVE_ACTION_DAYS", DEFAULT_CORRECTIVE_ACTION_DAYS)
    return timedelta(days=days)


@transaction.atomic
def complaint_message_send(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    body: str = "",
    script: ReplyScript | None = None,
    language: str = ComplaintMessage.Language.ZH_HANS,
) -> ComplaintMessage:
    """Write to the complaint's resident: staff who may (permissions.message_refusal),
    about a complaint they can see. With a script (one the complaint offers) and no
    body, the script is sent as filled; a body is sent as the agent edited it. The
    message is a row of its own, a history row (transition "message", the text as its
    reason) and a notification to the resident, which the portal shows."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    refuse(message_refusal(complaint, actor))
    if language not in ComplaintMessage.Language.values:
        raise InvalidInput(_("Choose the language of the message."), field="language")
    if script is not None and not reply_scripts_offered(complaint).filter(pk=script.pk).exists():
        raise InvalidInput(
            _("This script is not offered for this complaint (retired, or of another category)."),
            field="script",
        )
    body = body.strip()
    if not body and script is not None:
        body = script_fill(script, complaint, language=language)
    if not body:
        raise InvalidInput(_("Write the message, or choose a script."), field="body")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise InvalidInput(
            _("At most %(limit)d characters.") % {"limit": MESSAGE_MAX_LENGTH}, field="body"
        )
    message = ComplaintMessage.objects.create(
        complaint=complaint,
        script=script,
        language=language,
        body=body,
        sent_by=actor,
        sent_at=clock.now(),
    )
    complaint_save(complaint, actor=actor, transition=Transition.MESSAGE, reason=body)
    notify(
        complaint,
        [complaint.resident.user_id],
        kind=Notification.Kind.MESSAGE,
        event_key=event_key(Notification.Kind.MESSAGE, message.pk),
        params={"excerpt": body[:80]},
    )
    return message


def inspections_draw(*, month: date, now: datetime | None = None) -> int:
    """Draw the month's sample of every team that closed complaints in it (the job of
    the 1st). A team drawn already keeps its draw, so running twice draws nothing new.
    Returns the number of draws made."""
    now = now or clock.now()
    rate, minimum = sample_rules()
    made = 0
    for team_id in Team.objects.order_by("pk").values_list("pk", flat=True):
        if InspectionDraw.objects.filter(team_id=team_id, month=month).exists():
            continue
        population = population_ids(team_id=team_id, month=month)
        if not population:
            continue
        seed = secrets.token_hex(8)
        size = sample_size(len(population), rate_percent=rate, minimum=minimum)
        sample = sample_draw(population, seed=seed, size=size)
        try:
            with transaction.atomic():
                draw = InspectionDraw.objects.create(
                    team_id=team_id,
                    month=month,
                    seed=seed,
                    rate_percent=rate,
                    minimum=minimum,
                    population=population,
                    sample=sample,
                    drawn_at=now,
                )
                for complaint_id in sample:
                    Inspection.objects.create(
                        draw=draw, complaint_id=complaint_id, team_id=team_id, month=month
                    )
        except IntegrityError:
            # Another run drew this team's month meanwhile: its draw stands.
            continue
        made += 1
    return made


def _lock(visible, pk: int):
    """The row locked, if the actor may see it (else "not found"). The visible set may
    join to-many rows, so it is asked first and the row locked by its key."""
    if not visible.filter(pk=pk).exists():
        raise ComplaintNotFound()
    return visible.model.objects.select_for_update().get(pk=pk)


def _score(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise InvalidInput(_("A score from 0 to 100."), field=field)
    return value


@transaction.atomic
def inspection_score(
    *,
    inspection_id: int,
    actor: AbstractBaseUser,
    response_time: int,
    handling: int,
    communication: int,
    findings: str = "",
) -> Inspection:
    """A quality supervisor scores a sampled complaint, once. Below the pass mark it
    fails and opens a corrective action for the team leader, due in
    PROPERTYDESK_CORRECTIVE_ACTION_DAYS (7), and tells the leader."""
    inspection = _lock(inspection_list_visible_to(actor), inspection_id)
    refuse(inspection_score_refusal(inspection, actor))
    inspection.response_time_score = _score(response_time, "response_time_score")
    inspection.handling_score = _score(handling, "handling_score")
    inspection.communication_score = _score(communication, "communication_score")
    inspection.findings = findings.strip()
    inspection.passed = inspection.mean_score >= pass_mark()
    if not inspection.passed and not inspection.findings:
        raise InvalidInput(_("Note the findings of a failed inspection."), field="findings")
    now = clock.now()
    inspection.inspector = actor
    inspection.scored_at = now
    inspection._history_user = actor
    inspection.save()
    if not inspection.passed:
        leader_id = inspection.team.leader_id
        action = CorrectiveAction(
            inspection=inspection,
            team_id=inspection.team_id,
            leader_id=leader_id,
            opened_at=now,
            due_at=now + corrective_action_time(),
        )
        action._history_user = actor
        action.save()
        if leader_id is not None:
            notify(
                inspection.complaint,
                [leader_id],
                kind=Notification.Kind.CORRECTIVE_ACTION,
                event_key=event_key(Notification.Kind.CORRECTIVE_ACTION, action.pk),
                params={"due": due_words(action.due_at)},
            )
    return inspection


@transaction.atomic
def corrective_action_answer(
    *,
    action_id: int,
    actor: AbstractBaseUser,
    accountability: str,
    correction: str,
    training: str,
) -> CorrectiveAction:
    """The team leader says who is accountable, what was corrected and what training
    follows (问责 → 整改 → 培训); all three are needed. Late answers are kept, and show
    as answered after the due time."""
    action = _lock(corrective_action_list_visible_to(actor), action_id)
    refuse(corrective_answer_refusal(action, actor))
    for field, value in (
        ("accountability", accountability),
        ("correction", correction),
        ("training", training),
    ):
        if not value.strip():
            raise InvalidInput(_("This field is required."), field=field)
    action.accountability = accountability.strip()
    action.correction = correction.strip()
    action.training = training.strip()
    action.state = CorrectiveAction.State.ANSWERED
    action.answered_at = clock.now()
    action._history_user = actor
    action.save()
    return action


@transaction.atomic
def corrective_action_close(
    *, action_id: int, actor: AbstractBaseUser, note: str = ""
) -> CorrectiveAction:
    """A quality supervisor accepts the leader's answer and closes the action."""
    action = _lock(corrective_action_list_visible_to(actor), action_id)
    refuse(corrective_close_refusal(action, actor))
    action.state = CorrectiveAction.State.CLOSED
    action.closed_at = clock.now()
    action.closed_by = actor
    action.closing_note = note.strip()
    action._history_user = actor
    action.save()
    return action


CASE_FIELDS = ("title", "what_happened", "what_fixed_it", "what_to_avoid")


def _case_texts(complaint, texts: dict[str, str]) -> dict[str, str]:
    """The write-up's texts stripped, each required and free of personal data."""
    cleaned = {}
    for field in CASE_FIELDS:
        value = (texts.get(field) or "").strip()
        if not value:
            raise InvalidInput(_("This field is required."), field=field)
        problem = personal_data_refusal(value, complaint)
        if problem is not None:
            raise InvalidInput(problem, field=field)
        cleaned[field] = value
    if len(cleaned["title"]) > ModelCase._meta.get_field("title").max_length:
        raise InvalidInput(_("At most 100 characters."), field="title")
    return cleaned


@transaction.atomic
def model_case_write(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    title: str,
    what_happened: str,
    what_fixed_it: str,
    what_to_avoid: str,
) -> ModelCase:
    """An agent or project manager (permissions.model_case_refusal) makes a closed
    complaint they can see a model case of its category. A write-up naming the
    resident, a phone number or a unit number of the building is refused."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    refuse(model_case_refusal(complaint, actor))
    texts = _case_texts(
        complaint,
        {
            "title": title,
            "what_happened": what_happened,
            "what_fixed_it": what_fixed_it,
            "what_to_avoid": what_to_avoid,
        },
    )
    case = ModelCase(
        complaint=complaint,
        category_id=complaint.category_id,
        written_by=actor,
        written_at=clock.now(),
        **texts,
    )
    case._history_user = actor
    case.save()
    return case


@transaction.atomic
def model_case_change(*, case_id: int, actor: AbstractBaseUser, **texts: str) -> ModelCase:
    """Rewrite a case: the same people, of the complaint's property; the same checks."""
    if not model_cases_visible_to(actor).filter(pk=case_id).exists():
        raise ComplaintNotFound()
    case = ModelCase.objects.select_for_update().get(pk=case_id)
    refuse(model_case_change_refusal(case, actor))
    for field, value in _case_texts(case.complaint, texts).items():
        setattr(case, field, value)
    case._history_user = actor
    case.save()
    return case
