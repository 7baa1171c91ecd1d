"""API tokens (django-rest-knox) end with the password they were won with: a new
password, set by the user or by a manager after a suspected theft, logs every app out,
as it does every other browser session (Django's session hash)."""

from django.contrib.auth import get_user_model
from knox.models import get_token_model


def tokens_end_with_the_password(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of the user model: a changed password hash revokes the user's tokens."""
    if raw or instance.pk is None:
        return
    stored = get_user_model().objects.filter(pk=instance.pk).values_list("password", flat=True)
    if stored.first() not in (None, instance.password):
        get_token_model().objects.filter(user_id=instance.pk).delete()
