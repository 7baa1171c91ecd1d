"""The buttons on a complaint's page: each names its service, its form and the rule that
shows it (complaints.permissions)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from complaints import permissions, services
from complaints.admin import forms
from complaints.admin.quality import CaseForm, MessageForm
from complaints.models import Complaint


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type[forms.ActionForm]
    run: Callable[..., object]
    checks_expected_state: bool = False
    """`run` hands the page's state to the service, which refuses a stale page itself."""


def _reason(data) -> str:
    return data.get("reason") or ""


ACTIONS = {
    action.name: action
    for action in [
        Action(
            "accept",
            gettext_lazy("Accept (become owner)"),
            forms.ConfirmForm,
            lambda c, u, d: services.complaint_accept(
                complaint_id=c.pk, actor=u, expected_state=d["expected_state"]
            ),
            checks_expected_state=True,
        ),
        Action(
            "classify",
            gettext_lazy("Classify"),
            forms.ClassifyForm,
            lambda c, u, d: services.complaint_classify(
                complaint_id=c.pk,
                actor=u,
                category=d["category"],
                level=d["level"],
                reason=_reason(d),
            ),
        ),
        Action(
            "dispatch",
            gettext_lazy("Dispatch"),
            forms.DispatchForm,
            lambda c, u, d: services.complaint_dispatch(
                complaint_id=c.pk,
                actor=u,
                team=d["team"],
                assignee=d["assignee"],
                reason=_reason(d),
            ),
        ),
        Action(
            "handle",
            gettext_lazy("Mark handled"),
            forms.HandleForm,
            lambda c, u, d: services.complaint_handle(
                complaint_id=c.pk,
                actor=u,
                note=d["note"],
                before_photos=d["before_photos"],
                after_photos=d["after_photos"],
                reason=_reason(d),
            ),
        ),
        Action(
            "close",
            gettext_lazy("Close without confirmation"),
            forms.CloseForm,
            lambda c, u, d: services.complaint_close(complaint_id=c.pk, actor=u, reason=_reason(d)),
        ),
        Action(
            "revisit",
            gettext_lazy("Record revisit call"),
            forms.RevisitForm,
            lambda c, u, d: services.complaint_revisit(
                complaint_id=c.pk, actor=u, note=d["note"], solved=d.get("solved", True)
            ),
        ),
        Action(
            "reopen",
            gettext_lazy("Reopen"),
            forms.ReopenForm,
            lambda c, u, d: services.complaint_reopen(
                complaint_id=c.pk, actor=u, reason=_reason(d)
            ),
        ),
        Action(
            "merge",
            gettext_lazy("Merge into another complaint"),
            forms.MergeForm,
            lambda c, u, d: services.complaint_merge(
                complaint_id=c.pk, actor=u, into_id=d["into"], reason=_reason(d)
            ),
        ),
        Action(
            "set_level",
            gettext_lazy("Change level"),
            forms.SetLevelForm,
            lambda c, u, d: services.complaint_set_level(
                complaint_id=c.pk, actor=u, level=d["level"], reason=_reason(d)
            ),
        ),
        Action(
            "hold",
            gettext_lazy("Put on hold"),
            forms.HoldForm,
            lambda c, u, d: services.complaint_hold(
                complaint_id=c.pk,
                actor=u,
                reason=d["reason"],
                resume_at=d["resume_at"],
                note=d["note"],
            ),
        ),
        Action(
            "resume",
            gettext_lazy("Resume"),
            forms.ConfirmForm,
            lambda c, u, d: services.complaint_resume(complaint_id=c.pk, actor=u),
        ),
        Action(
            "on_site",
            gettext_lazy("Arrived on site"),
            forms.ConfirmForm,
            lambda c, u, d: services.complaint_mark_on_site(complaint_id=c.pk, actor=u),
        ),
        Action(
            "transfer",
            gettext_lazy("Transfer ownership"),
            forms.TransferForm,
            lambda c, u, d: services.complaint_transfer_ownership(
                complaint_id=c.pk, actor=u, new_owner=d["new_owner"], reason=_reason(d)
            ),
        ),
        Action(
            "message",
            gettext_lazy("Write to the resident"),
            MessageForm,
            lambda c, u, d: services.complaint_message_send(
                complaint_id=c.pk,
                actor=u,
                body=d["body"],
                script=d["script"],
                language=d["language"],
            ),
            # A message does not depend on the state the page showed.
            checks_expected_state=True,
        ),
        Action(
            "model_case",
            gettext_lazy("Mark as a model case"),
            CaseForm,
            lambda c, u, d: services.model_case_write(
                complaint_id=c.pk,
                actor=u,
                title=d["title"],
                what_happened=d["what_happened"],
                what_fixed_it=d["what_fixed_it"],
                what_to_avoid=d["what_to_avoid"],
            ),
        ),
    ]
}


def available_actions(complaint: Complaint, user) -> list[Action]:
    """The actions this user may perform on this complaint now, in workflow order: those
    the permissions module does not refuse (the services ask it the same)."""
    return [
        action
        for action in ACTIONS.values()
        if permissions.action_refusal(complaint, action.name, user) is None
    ]
