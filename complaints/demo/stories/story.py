"""What a demo story is: one complaint, what the resident says and how far it gets, and
the steps it can take on the way."""

from dataclasses import dataclass
from datetime import date

from complaints.models import State, Transition

# The steps of a story, each taken through one service by the person who would take it:
# the transitions by their own names, and a first dispatch to the wrong team.
ACCEPT, CLASSIFY, DISPATCH, TRANSFER, ON_SITE = (
    Transition.ACCEPT,
    Transition.CLASSIFY,
    Transition.DISPATCH,
    Transition.TRANSFER,
    Transition.ON_SITE,
)
HANDLE, CLOSE, SURVEY, REVISIT, REOPEN, WITHDRAW, MERGE = (
    Transition.HANDLE,
    Transition.CLOSE,
    Transition.SURVEY,
    Transition.REVISIT,
    Transition.REOPEN,
    Transition.WITHDRAW,
    Transition.MERGE,
)
MISROUTE = "misroute"
# Not a service call: the auto-confirm job closed the complaint before this moment.
AUTO_CONFIRMED = "auto_confirmed"

TO_DISPATCHED = (ACCEPT, CLASSIFY, DISPATCH)
# The steps of a story that ends in this state, unless it gives its own `path`.
PATHS = {
    State.NEW: (),
    State.ACCEPTED: (ACCEPT,),
    State.CLASSIFIED: (ACCEPT, CLASSIFY),
    State.DISPATCHED: TO_DISPATCHED,
    State.HANDLED: (*TO_DISPATCHED, HANDLE),
    State.CLOSED: (*TO_DISPATCHED, HANDLE, CLOSE, SURVEY),
    State.REVISITED: (*TO_DISPATCHED, HANDLE, CLOSE, SURVEY, REVISIT),
    State.REOPENED: (*TO_DISPATCHED, HANDLE, REOPEN),
    State.WITHDRAWN: (WITHDRAW,),
    State.MERGED: (MERGE,),
}


@dataclass(frozen=True)
class Story:
    """One demo complaint: what the resident says and how far it gets."""

    key: str
    property: str
    category: str
    channel: str
    state: str
    text: str
    building: str = ""
    place: str = "building"  # "unit", "building" (common area) or "property" (common area)
    location: str = ""
    level: int | None = None
    with_resident: bool = True
    contact: tuple[str, str] = ("", "")
    evidence_photo: bool = False
    path: tuple[str, ...] | None = None
    slow: bool = False  # handled after the resolve deadline
    close_by: str = "resident"  # "resident", "owner" (with a reason) or "system" (auto-confirm)
    close_reason: str = ""
    # survey: solved, speed, attitude, in the portal's stars (20 a star)
    scores: tuple[int, int, int] | None = None
    survey_comment: str = ""
    misroute_team: str = ""
    redispatch_reason: str = ""
    merge_into: str = ""
    reopen_reason: str = ""
    revisit_note: str = ""
    withdraw_reason: str = ""
    # Who files it (a username; by default a named resident of the building drawn at
    # random) and on which day, at an hour its channel is used (by default within the
    # weeks its final state suggests); the year's complaints (`complaints.demo.year`)
    # give both.
    resident: str = ""
    filed: date | None = None
