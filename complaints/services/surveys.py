"""The resident's satisfaction survey."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from complaints import clock, permissions
from complaints.exceptions import InvalidInput, WrongState
from complaints.models import State, Survey, Transition
from complaints.reasons import SystemReason, system_reason
from complaints.selectors import complaint_get_for_update
from complaints.services.base import SATISFACTION_THRESHOLD, complaint_save, refuse


@transaction.atomic
def survey_submit(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    solved: int,
    speed: int,
    attitude: int,
    comment: str = "",
) -> Survey:
    """The resident rates the latest closing once; a mean below 80 puts the complaint on
    the revisit queue at once (回头看)."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    refuse(permissions.survey_refusal(complaint, actor))
    for field, value in (("solved", solved), ("speed", speed), ("attitude", attitude)):
        if not isinstance(value, int) or not 0 <= value <= 100:
            raise InvalidInput(_("Give a score from 0 to 100."), field=field)
    now = clock.now()
    survey, _created = Survey.objects.select_for_update().get_or_create(
        complaint=complaint, cycle=complaint.reopen_count, defaults={"sent_at": now}
    )
    if survey.submitted_at is not None:
        raise WrongState(_("You have already rated this complaint. Thank you!"))
    survey.solved, survey.speed, survey.attitude = solved, speed, attitude
    survey.comment = comment.strip()
    survey.submitted_at = now
    survey.save()
    if survey.mean < SATISFACTION_THRESHOLD and complaint.state == State.CLOSED:
        complaint.revisit_due_at = now
        complaint_save(
            complaint,
            actor=actor,
            transition=Transition.SURVEY,
            reason=system_reason(
                SystemReason.LOW_SATISFACTION,
                mean=f"{survey.mean:.0f}",
                threshold=SATISFACTION_THRESHOLD,
            ),
        )
    return survey
