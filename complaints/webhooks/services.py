"""The writes of the webhook admin beyond its form: a new secret, and deliveries sent
again by hand."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from complaints import clock
from complaints.models import Webhook, WebhookDelivery
from complaints.models.webhook import webhook_secret_generate
from complaints.reasons import SystemReason, system_reason
from complaints.webhooks.delivery import deliveries_retry_now
from complaints.webhooks.selectors import delivery_list_visible_to, webhook_list_visible_to


@transaction.atomic
def webhook_secrets_rotate(
    *, webhooks: QuerySet[Webhook], actor: AbstractBaseUser
) -> list[tuple[Webhook, str]]:
    """Give each of these webhooks (those the actor may see) a new secret, recorded in
    its history (without the secret). Deliveries sent from now on are signed with it,
    retries of older ones too. Returns each webhook with its new secret, to be shown
    once."""
    now = clock.now()
    rotated = []
    for webhook in webhooks.filter(pk__in=webhook_list_visible_to(actor)).select_for_update():
        webhook.secret = webhook_secret_generate()
        webhook.secret_set_at = now
        webhook._history_user = actor
        webhook._change_reason = system_reason(SystemReason.SECRET_ROTATED)
        webhook.save(update_fields=["secret", "secret_set_at"])
        del webhook._history_user, webhook._change_reason
        rotated.append((webhook, webhook.secret))
    return rotated


@transaction.atomic
def deliveries_retry(*, deliveries: QuerySet[WebhookDelivery], actor: AbstractBaseUser) -> int:
    """Attempt the chosen deliveries (those the actor may see, not yet delivered) again
    now. Returns how many were queued."""
    visible = deliveries.filter(pk__in=delivery_list_visible_to(actor))
    return deliveries_retry_now(visible, now=clock.now())
