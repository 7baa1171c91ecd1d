"""Domain errors. Interfaces translate them: wrong state → 409, not allowed → 403,
invalid → 400, not found → 404, filing limit → 429; admin and portal show them as messages."""

from django.utils.translation import gettext as _


class ComplaintError(Exception):
    """Base class; `message` is translated and safe to show to the user."""

    default_message = ""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or str(self.default_message)
        super().__init__(self.message)


class ComplaintNotFound(ComplaintError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Complaint not found."))


class WrongState(ComplaintError):
    """The complaint is not in a state that allows this action (stale pages included)."""


class AlreadyAccepted(WrongState):
    def __init__(self, owner_name: str) -> None:
        self.owner_name = owner_name
        super().__init__(_("Already accepted by %(name)s.") % {"name": owner_name})


class ChangedMeanwhile(WrongState):
    """The page the actor acted on showed another state than the complaint has now."""

    def __init__(self, state_label: str) -> None:
        self.state_label = state_label
        super().__init__(
            _(
                "Someone else changed this complaint meanwhile: it is now “%(state)s”. "
                "Nothing was done; check it and try again."
            )
            % {"state": state_label}
        )


class NotAllowed(ComplaintError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("You are not allowed to do this."))


class ReopenWindowClosed(NotAllowed):
    """The resident's 7 days for reopening a closed complaint are over."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "It is more than 7 days since the complaint was closed. Please report "
                "the problem again as a new complaint."
            )
        )


class FilingLimitReached(ComplaintError):
    """A resident filed the hourly number of complaints already (an API answers 429)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            _(
                "You have sent %(limit)d complaints in the last hour. Please wait a "
                "while before sending another, or call the property office if it is "
                "urgent."
            )
            % {"limit": limit}
        )


class InvalidInput(ComplaintError):
    """Bad input; `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)
