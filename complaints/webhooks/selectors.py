"""Which webhooks, and so which deliveries, a user may see and manage."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet

from complaints.models import Webhook, WebhookDelivery
from staff.selectors import property_ids_visible_to


def webhook_list_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Webhook]:
    """Superusers see every webhook; anyone else those whose every property is in their
    scope (`staff.selectors.property_ids_visible_to`). A webhook shared with a property
    beyond it stays out of reach: editing it would drop the properties the editor
    cannot choose, and its deliveries tell of complaints the editor may not see."""
    if user.is_active and user.is_superuser:
        return Webhook.objects.all()
    links = Webhook.properties.through.objects.filter(webhook=OuterRef("pk"))
    visible = property_ids_visible_to(user)
    return Webhook.objects.filter(Exists(links)).exclude(
        Exists(links.exclude(property_id__in=visible))
    )


def delivery_list_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(webhook__in=webhook_list_visible_to(user))
