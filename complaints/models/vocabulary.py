"""The words of the complaint domain: states and their named groups, transitions, levels,
channels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    CLASSIFIED = "classified", _("Classified")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", _("Closed")
    REVISITED = "revisited", _("Revisited")
    REOPENED = "reopened", _("Reopened")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")


# Named groups of states: a rule that asks "is it closed / being worked on / ..." uses one.
# Accepted and being worked on: the resolution clock runs and the SLA sweep watches them.
IN_PROGRESS_STATES = (State.ACCEPTED, State.CLASSIFIED, State.DISPATCHED, State.REOPENED)
# Accepted and not closed yet: staff still hold it (handled ones wait for the resident).
ACCEPTED_OPEN_STATES = (*IN_PROGRESS_STATES, State.HANDLED)
# The resident still waits for a response or a fix: the portal's promise still matters.
AWAITING_RESPONSE_STATES = (State.NEW, *IN_PROGRESS_STATES)
# Closed, before or after the revisit call.
CLOSED_STATES = (State.CLOSED, State.REVISITED)
# Withdrawn or merged into another: no longer a complaint of its own (not counted in
# repeats or reports, and nothing can be merged into it).
DISCARDED_STATES = (State.WITHDRAWN, State.MERGED)
# Nobody owns it: not accepted yet, or discarded before acceptance.
OWNERLESS_STATES = (State.NEW, *DISCARDED_STATES)


class Transition(models.TextChoices):
    """A lifecycle transition or another recorded change: the name on each history row,
    and the action that permissions and services check."""

    CREATE = "create", _("submit")
    ACCEPT = "accept", _("accept")
    CLASSIFY = "classify", _("classify")
    SET_LEVEL = "set_level", _("change the level")
    DISPATCH = "dispatch", _("dispatch")
    HANDLE = "handle", _("mark as handled")
    CLOSE = "close", _("close")
    REVISIT = "revisit", _("record the revisit")
    REOPEN = "reopen", _("reopen")
    WITHDRAW = "withdraw", _("withdraw")
    MERGE = "merge", _("merge")
    TRANSFER = "transfer", _("transfer ownership")
    HOLD = "hold", _("put on hold")
    RESUME = "resume", _("resume")
    ON_SITE = "on_site", _("record arrival on site")
    SURVEY = "survey", _("rate the service")
    MESSAGE = "message", _("write to the resident")


class Level(models.IntegerChoices):
    I = 1, _("Level I · emergency")  # noqa: E741
    II = 2, _("Level II · general")
    III = 3, _("Level III · suggestion")


class Channel(models.TextChoices):
    WEB = "web", _("Resident web form")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in desk")
    PAPER = "paper", _("Suggestion box / paper form")
    COMMITTEE = "committee", _("Residents' committee referral")
    APP = "app", _("Mobile app")
    IOT = "iot", _("IoT sensor alert")
