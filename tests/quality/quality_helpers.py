"""URLs and messages for the service quality tests (a module of its own, so test
modules import it by a unique name)."""

from django.contrib.messages import get_messages
from django.urls import reverse


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def act_url(complaint, action: str = "message") -> str:
    return admin_url("complaints_complaint_act", complaint.pk, action)


def messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
