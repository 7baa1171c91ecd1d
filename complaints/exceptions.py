"""Domain errors. Interfaces translate them: wrong state → 409, not allowed → 403,
invalid → 400, not found → 404; admin and portal show them as messages."""

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


class NotAllowed(ComplaintError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("You are not allowed to do this."))


class InvalidInput(ComplaintError):
    """Bad input; `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)
