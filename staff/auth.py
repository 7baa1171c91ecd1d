"""Django's model backend, reading with the logged-in user what every page asks of them:
the staff profile (role, team) and the resident record (the visibility rule's branches),
in the one query that loads the user instead of two more on every request; and the
user's permissions, their own and their groups', in one query instead of two."""

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Permission


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("staff_profile", "resident")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            names = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                perms = Permission.objects.values_list(*names).order_by()
            else:
                own = Permission.objects.filter(user=user_obj).values_list(*names).order_by()
                groups = Permission.objects.filter(group__user=user_obj).values_list(*names)
                perms = own.union(groups.order_by())
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in perms}
        return user_obj._perm_cache
