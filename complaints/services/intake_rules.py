"""Writes to the intake rules (emergency phrases, category keywords) and the site board
links. The admin calls these; each checks the actor's permission and scope.

A phrase for every property (no property) and the keyword tables are company-wide: only
superusers change them. Project managers keep their own properties' phrases and boards.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from complaints import clock, emergency, suggestions
from complaints.exceptions import InvalidInput, NotAllowed
from complaints.models import BoardToken, CategoryKeyword, EmergencyPhrase
from complaints.tokens import PREFIX_LENGTH, token_digest, token_new
from staff.selectors import property_ids_visible_to


def _refuse(actor: AbstractBaseUser, permission: str, property_id: int | None) -> None:
    if not actor.has_perm(f"complaints.{permission}"):
        raise NotAllowed()
    if property_id is None:
        if not actor.is_superuser:
            raise NotAllowed(_("Only head office changes what applies to every property."))
    elif property_id not in property_ids_visible_to(actor):
        raise NotAllowed(_("This property is outside your scope."))


def _validate(row: models.Model) -> None:
    try:
        row.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(messages[0], field=field) from None


def _stored_property_id(model: type[models.Model], pk: int | None) -> int | None:
    return model.objects.filter(pk=pk).values_list("property_id", flat=True).first()


def _save_unique(row: models.Model, message: str) -> None:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise InvalidInput(message) from None


@transaction.atomic
def emergency_phrase_save(*, actor: AbstractBaseUser, phrase: EmergencyPhrase) -> EmergencyPhrase:
    """Add or change a phrase (as the admin form built it); the next filing uses it.
    `add_`/`change_emergencyphrase`, for a property in scope (old and new), or for every
    property as a superuser."""
    permission = "change_emergencyphrase" if phrase.pk else "add_emergencyphrase"
    if phrase.pk:
        _refuse(actor, permission, _stored_property_id(EmergencyPhrase, phrase.pk))
    _refuse(actor, permission, phrase.property_id)
    _validate(phrase)
    _save_unique(phrase, _("This phrase is in the list already."))
    emergency.phrases_changed()
    return phrase


@transaction.atomic
def emergency_phrases_delete(*, actor: AbstractBaseUser, phrase_ids: list[int]) -> int:
    """Delete phrases (`delete_emergencyphrase`, each in scope); the next filing no longer
    matches them. All or none."""
    rows = list(EmergencyPhrase.objects.select_for_update().filter(pk__in=phrase_ids))
    for row in rows:
        _refuse(actor, "delete_emergencyphrase", row.property_id)
    EmergencyPhrase.objects.filter(pk__in=[row.pk for row in rows]).delete()
    emergency.phrases_changed()
    return len(rows)


@transaction.atomic
def category_keyword_save(*, actor: AbstractBaseUser, keyword: CategoryKeyword) -> CategoryKeyword:
    """Add or change a keyword of a category's table (company-wide: superusers)."""
    permission = "change_categorykeyword" if keyword.pk else "add_categorykeyword"
    _refuse(actor, permission, None)
    _validate(keyword)
    _save_unique(keyword, _("This keyword is in the category's table already."))
    suggestions.keywords_changed()
    return keyword


@transaction.atomic
def category_keywords_delete(*, actor: AbstractBaseUser, keyword_ids: list[int]) -> int:
    """Delete keywords from the tables (company-wide: superusers)."""
    _refuse(actor, "delete_categorykeyword", None)
    deleted, _rows = CategoryKeyword.objects.filter(pk__in=keyword_ids).delete()
    suggestions.keywords_changed()
    return deleted


@transaction.atomic
def board_token_create(*, actor: AbstractBaseUser, board: BoardToken) -> str:
    """Make a site board link (an unsaved instance, as the admin form built it) and
    return its token: the only time it exists in clear. `add_boardtoken`, in scope."""
    if board.pk is not None:
        raise InvalidInput(_("This board link exists already."))
    _refuse(actor, "add_boardtoken", board.property_id)
    _validate(board)
    token = token_new(BoardToken.objects.all())
    board.token_prefix = token[:PREFIX_LENGTH]
    board.token_hash = token_digest(token)
    board.created_at = clock.now()
    _save_unique(board, _("The property has a board link of this name already."))
    return token


@transaction.atomic
def board_token_rename(*, actor: AbstractBaseUser, board: BoardToken) -> BoardToken:
    """Save a new name (the only thing the admin form changes). `change_boardtoken`."""
    _refuse(actor, "change_boardtoken", _stored_property_id(BoardToken, board.pk))
    _validate(board)
    BoardToken.objects.filter(pk=board.pk).update(name=board.name)
    return board


@transaction.atomic
def board_token_revoke(*, actor: AbstractBaseUser, board_id: int) -> BoardToken:
    """The link stops working at once (its board answers 404). `change_boardtoken`, in
    scope; a link revoked already is refused."""
    board = BoardToken.objects.select_for_update().filter(pk=board_id).first()
    if board is None:
        raise NotAllowed(_("This board link is outside your scope."))
    _refuse(actor, "change_boardtoken", board.property_id)
    if board.revoked_at is not None:
        raise InvalidInput(_("%(board)s is revoked already.") % {"board": board})
    board.revoked_at = clock.now()
    board.save(update_fields=["revoked_at"])
    return board
