"""Project managers register their properties' webhooks in the admin, see a secret only
once (when it is made or rotated), and read and retry the deliveries; nobody else sees
or edits a webhook beyond their properties (SPEC §2, §6, §7)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from factories import ComplaintFactory, ProjectManagerFactory, UserFactory

from complaints import services
from complaints.models import Webhook, WebhookDelivery, WebhookEvent
from complaints.models.webhook import webhook_url_validate
from complaints.reasons import reason_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)


def admin_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


@pytest.fixture
def other_manager(other_prop):
    return ProjectManagerFactory(username="manager-y", properties=[other_prop])


def hook_body(prop, **changes) -> dict:
    body = {
        "name": "ERP",
        "properties": [prop.pk],
        "url": "https://erp.example.com/hooks/propertydesk",
        "format": "json",
        "events": [WebhookEvent.ACCEPTED, WebhookEvent.CLOSED],
        "is_active": "on",
    }
    body.update(changes)
    return body


def test_a_project_manager_registers_a_webhook_and_sees_its_secret_once(
    client, project_manager, prop
):
    """Saved, the webhook's page shows its generated secret, with how to verify it, the
    first time only; the page again, the list and the history never show it."""
    client.force_login(project_manager)

    response = client.post(admin_url("complaints_webhook_add"), hook_body(prop))

    hook = Webhook.objects.get()
    change_url = admin_url("complaints_webhook_change", hook.pk)
    assert (response.status_code, response["Location"]) == (302, change_url)
    assert len(hook.secret) == 64
    assert hook.secret not in str(response.cookies)
    first = client.get(change_url).content.decode()
    assert hook.secret in first
    assert "X-PropertyDesk-Signature" in first
    assert list(hook.properties.all()) == [prop]
    assert hook.events == ["accepted", "closed"]
    assert hook.is_active
    for page in (
        change_url,
        admin_url("complaints_webhook_changelist"),
        admin_url("complaints_webhook_history", hook.pk),
    ):
        again = client.get(page)
        assert again.status_code == 200, page
        assert hook.secret not in again.content.decode(), page
    assert "secret" not in {f.name for f in Webhook.history.model._meta.fields}


def test_the_property_choices_are_the_managers_own(client, project_manager, prop, other_prop):
    """The form offers only the manager's properties, and a posted property of another
    is refused with nothing saved."""
    client.force_login(project_manager)

    form = client.get(admin_url("complaints_webhook_add")).context["adminform"].form
    assert list(form.fields["properties"].queryset) == [prop]
    response = client.post(
        admin_url("complaints_webhook_add"), hook_body(prop, properties=[prop.pk, other_prop.pk])
    )

    assert response.status_code == 200
    assert "properties" in response.context["adminform"].form.errors
    assert not Webhook.objects.exists()


def test_an_http_address_is_refused_unless_local_or_debug(client, project_manager, prop, settings):
    """Plain HTTP to another machine is refused with a message; HTTPS, a receiver on this
    machine, or DEBUG on are accepted."""
    client.force_login(project_manager)

    response = client.post(
        admin_url("complaints_webhook_add"), hook_body(prop, url="http://erp.example.com/h")
    )

    assert response.status_code == 200
    assert "https://" in str(response.context["adminform"].form.errors["url"])
    assert not Webhook.objects.exists()
    webhook_url_validate("https://erp.example.com/h")
    webhook_url_validate("http://127.0.0.1:8080/h")
    webhook_url_validate("http://localhost/h")
    with pytest.raises(ValidationError):
        webhook_url_validate("ftp://erp.example.com/h")
    settings.DEBUG = True
    webhook_url_validate("http://erp.example.com/h")


def test_a_manager_of_another_property_cannot_see_or_change_the_webhook(
    client, make_hook, other_manager, prop
):
    """Not in their list, its page is "does not exist", a posted change and a rotation
    of its secret change nothing."""
    hook = make_hook([WebhookEvent.ACCEPTED])
    before = (hook.name, hook.url, hook.secret)
    client.force_login(other_manager)

    listing = client.get(admin_url("complaints_webhook_changelist"))
    change = client.get(admin_url("complaints_webhook_change", hook.pk))
    client.post(admin_url("complaints_webhook_change", hook.pk), hook_body(prop, name="Mine"))
    client.post(
        admin_url("complaints_webhook_changelist"),
        {"action": "rotate_secret", ACTION_CHECKBOX_NAME: [hook.pk], "apply": "1"},
    )

    assert listing.status_code == 200 and "ERP" not in listing.content.decode()
    assert change.status_code == 302
    hook.refresh_from_db()
    assert (hook.name, hook.url, hook.secret) == before


def test_a_webhook_shared_with_another_property_is_only_for_those_with_both(
    client, make_hook, project_manager, prop, other_prop
):
    """A manager of one of its two properties does not see it (editing it would drop the
    other); a superuser does."""
    hook = make_hook([WebhookEvent.ACCEPTED], properties=[prop, other_prop])
    client.force_login(project_manager)
    assert client.get(admin_url("complaints_webhook_change", hook.pk)).status_code == 302

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(admin_url("complaints_webhook_change", hook.pk)).status_code == 200


@pytest.mark.parametrize("role", ["agent", "team_leader", "supervisor", "handler"])
def test_other_roles_have_no_webhook_pages(request, client, make_hook, role):
    """Webhooks and their deliveries are for project managers only."""
    hook = make_hook([WebhookEvent.ACCEPTED])
    client.force_login(request.getfixturevalue(role))

    for name, args in (
        ("complaints_webhook_changelist", ()),
        ("complaints_webhook_add", ()),
        ("complaints_webhook_change", (hook.pk,)),
        ("complaints_webhookdelivery_changelist", ()),
    ):
        assert client.get(admin_url(name, *args)).status_code == 403, name


def test_rotating_the_secret_shows_the_new_one_once_and_signs_with_it(
    client, make_hook, project_manager, receiver, resident, agent, travel,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The action asks first; applied, it shows the new secret (and only then), records
    the rotation in the history, and the next delivery is signed with it."""
    travel(T0)
    hook = make_hook([WebhookEvent.ACCEPTED])
    old_secret = hook.secret
    client.force_login(project_manager)
    changelist = admin_url("complaints_webhook_changelist")
    selected = {"action": "rotate_secret", ACTION_CHECKBOX_NAME: [hook.pk]}

    asked = client.post(changelist, selected)
    hook.refresh_from_db()
    assert asked.status_code == 200 and hook.secret == old_secret
    shown = client.post(changelist, {**selected, "apply": "1"})

    hook.refresh_from_db()
    assert hook.secret != old_secret
    assert hook.secret in shown.content.decode()
    assert (
        hook.secret
        not in client.get(admin_url("complaints_webhook_change", hook.pk)).content.decode()
    )
    assert reason_text(hook.history.latest().history_change_reason) == "Secret rotated"
    with translation.override("zh-hans"):
        chinese = reverse("admin:complaints_webhook_history", args=[hook.pk])
    history = client.get(chinese).content.decode()
    assert "密钥已更换" in history and "system:" not in history
    assert hook.history.latest().history_user == project_manager
    receiver.secrets["/erp"] = hook.secret
    complaint = ComplaintFactory(resident=resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_accept(complaint_id=complaint.pk, actor=agent)
    [request] = receiver.requests
    assert request.signature_valid


@pytest.fixture
def failed_delivery(
    make_hook, receiver, resident, agent, travel, django_capture_on_commit_callbacks
):
    """A delivery the receiver refused six times."""
    travel(T0)
    make_hook([WebhookEvent.ACCEPTED])
    receiver.statuses = [500]
    complaint = ComplaintFactory(resident=resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_accept(complaint_id=complaint.pk, actor=agent)
    delivery = WebhookDelivery.objects.get()
    delivery.status = WebhookDelivery.Status.FAILED
    delivery.next_attempt_at = None
    delivery.save()
    return delivery


def test_deliveries_are_shown_read_only_with_each_attempt(client, failed_delivery, project_manager):
    """The manager reads the delivery, its payload and its attempts, and cannot change
    or add one."""
    client.force_login(project_manager)

    listing = client.get(admin_url("complaints_webhookdelivery_changelist"))
    page = client.get(admin_url("complaints_webhookdelivery_change", failed_delivery.pk))
    posted = client.post(
        admin_url("complaints_webhookdelivery_change", failed_delivery.pk), {"status": "delivered"}
    )

    assert failed_delivery.payload["complaint"]["reference"] in listing.content.decode()
    text = page.content.decode()
    assert page.status_code == 200
    assert "HTTP 500 Internal Server Error" in text
    assert failed_delivery.payload["complaint"]["reference"] in text
    assert posted.status_code == 403
    assert client.get(admin_url("complaints_webhookdelivery_add")).status_code == 403
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == WebhookDelivery.Status.FAILED


def test_retry_now_sends_a_failed_delivery_again(
    client, failed_delivery, project_manager, receiver, travel,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """“Retry now” makes one more attempt at once; a receiver that recovered gets it."""
    receiver.statuses = [200]
    client.force_login(project_manager)
    moment = travel(T0 + timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            admin_url("complaints_webhookdelivery_changelist"),
            {"action": "retry_now", ACTION_CHECKBOX_NAME: [failed_delivery.pk]},
        )

    failed_delivery.refresh_from_db()
    assert failed_delivery.status == WebhookDelivery.Status.DELIVERED
    assert failed_delivery.delivered_at == moment
    assert failed_delivery.attempts == 2
    assert [r.delivery for r in receiver.requests] == [str(failed_delivery.pk)] * 2


def test_another_property_sees_and_retries_none_of_the_deliveries(
    client, failed_delivery, other_manager, receiver, django_capture_on_commit_callbacks
):
    """The manager of another property finds no delivery, and a posted retry of one
    sends nothing."""
    client.force_login(other_manager)

    listing = client.get(admin_url("complaints_webhookdelivery_changelist"))
    page = client.get(admin_url("complaints_webhookdelivery_change", failed_delivery.pk))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            admin_url("complaints_webhookdelivery_changelist"),
            {"action": "retry_now", ACTION_CHECKBOX_NAME: [failed_delivery.pk]},
        )

    assert failed_delivery.payload["complaint"]["reference"] not in listing.content.decode()
    assert page.status_code == 302
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == WebhookDelivery.Status.FAILED
    assert len(receiver.requests) == 1


def test_a_delivery_is_found_by_the_id_the_receiver_logged(
    client, failed_delivery, project_manager
):
    """The changelist search takes the X-PropertyDesk-Delivery id; any other text finds
    nothing and breaks nothing."""
    client.force_login(project_manager)
    changelist = admin_url("complaints_webhookdelivery_changelist")
    reference = failed_delivery.payload["complaint"]["reference"]

    found = client.get(changelist, {"q": str(failed_delivery.pk)})
    missed = client.get(changelist, {"q": "not-an-id"})

    assert found.status_code == missed.status_code == 200
    assert reference in found.content.decode()
    assert reference not in missed.content.decode()


def test_deleting_a_webhook_takes_its_deliveries_with_it(client, failed_delivery, project_manager):
    """The manager may delete their webhook although its deliveries are read-only."""
    client.force_login(project_manager)
    hook = failed_delivery.webhook

    response = client.post(admin_url("complaints_webhook_delete", hook.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Webhook.objects.exists()
    assert not WebhookDelivery.objects.exists()
