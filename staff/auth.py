"""Django's model backend, reading with the logged-in user what every page asks of them:
the staff profile (role, team) and the resident record (the visibility rule's branches),
in the one query that loads the user instead of two more on every request."""

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("staff_profile", "resident")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
