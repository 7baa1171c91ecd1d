"""The body of a delivery in its webhook's format, and what a group bot's answer says.

An ERP gets the payload itself (see `complaints.webhooks`). A WeCom or DingTalk group
bot gets a markdown message in the site's language, posted to a chat many people read:
so it leaves out the contact phone, and starts with "PropertyDesk" for DingTalk's
keyword security. Both bots answer HTTP 200 even when they refuse a message, with a
non-zero `errcode` in the body, which counts as a failed attempt.
"""

import json

from django.conf import settings
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from complaints.models import Deadline, Level, State, WebhookEvent, WebhookFormat
from complaints.webhooks.signing import body_encode

# How much of a bot's answer is read for its error code.
ANSWER_LIMIT = 4096


def body_build(format: str, payload: dict) -> bytes:
    if format == WebhookFormat.WECOM:
        return body_encode({"msgtype": "markdown", "markdown": {"content": message_text(payload)}})
    if format == WebhookFormat.DINGTALK:
        with translation.override(settings.LANGUAGE_CODE):
            title = f"PropertyDesk {payload['complaint']['reference']}"
        return body_encode(
            {"msgtype": "markdown", "markdown": {"title": title, "text": message_text(payload)}}
        )
    return body_encode(payload)


def message_text(payload: dict) -> str:
    complaint = payload["complaint"]
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            f"**PropertyDesk {complaint['reference']} · {WebhookEvent(payload['event']).label}**",
            f"> {_('Location')}: {complaint['location']}",
            f"> {_('State')}: {State(complaint['state']).label}",
        ]
        if complaint["level"]:
            lines.append(f"> {_('Level')}: {Level(complaint['level']).label}")
        if complaint["category"]:
            lines.append(f"> {_('Category')}: {complaint['category']['name']}")
        breach = payload.get("breach")
        if breach:
            lines.append(
                f"> {_('Deadline')}: {Deadline(breach['deadline']).label}, "
                f"{_('due at')} {_moment(breach['due_at'])}"
            )
        lines.append(f"> {_moment(payload['occurred_at'])}")
    return "\n".join(lines)


def _moment(iso: str) -> str:
    return date_format(parse_datetime(iso), "Y-m-d H:i")


def answer_error(format: str, response) -> str:
    """The refusal in a group bot's 200 answer ("errcode 93000: invalid webhook url"),
    or "" (an ERP's 2xx is its acceptance)."""
    if format == WebhookFormat.JSON:
        return ""
    try:
        answer = json.loads(response.raw.read(ANSWER_LIMIT, decode_content=True))
    except (ValueError, OSError):
        return _("The bot's answer is not the JSON it sends.")
    code = answer.get("errcode", 0) if isinstance(answer, dict) else None
    if code == 0:
        return ""
    return f"errcode {code}: {answer.get('errmsg', '') if isinstance(answer, dict) else ''}"
