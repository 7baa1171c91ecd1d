"""Reply scripts filled from a complaint: the resident's form of address, the team, the
promised time (from the deadline stored on the complaint, never recomputed) and the
reference. The filled text is plain text, escaped wherever it is shown;
`script_fill_html` gives the escaped preview."""

import re

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from complaints import sla
from complaints.models import SCRIPT_PLACEHOLDERS, Complaint, Deadline, ReplyScript

PLACEHOLDER = re.compile(r"\{(" + "|".join(SCRIPT_PLACEHOLDERS) + r")\}")
ANY_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The {words} of a script that are no placeholder (a typo would reach residents)."""
    return sorted(
        {name for name in ANY_PLACEHOLDER.findall(text) if name not in SCRIPT_PLACEHOLDERS}
    )


def resident_address(complaint: Complaint) -> str:
    """How a script addresses the resident: 张伟业主 / Zhang Wei; without a name, 业主 /
    resident (an anonymised resident has none)."""
    name = ""
    if complaint.resident_id is not None and complaint.resident.anonymised_at is None:
        name = complaint.resident.name.strip()
    name = name or complaint.contact_name.strip()
    if translation.get_language() == "zh-hans":
        return f"{name}业主" if name else "业主"
    return name or _("resident")


def promised_time(complaint: Complaint) -> str:
    """The moment the resident was promised: the open resolve deadline (else the first
    open one), else the stored resolve or first-response deadline."""
    from complaints.portal.display import due_words

    open_deadlines = sla.open_deadlines(complaint)
    due = next(
        (item.due_at for item in open_deadlines if item.deadline == Deadline.RESOLVE),
        min((item.due_at for item in open_deadlines), default=None),
    )
    due = due or complaint.resolve_due or complaint.first_response_due
    return due_words(due) if due is not None else _("as soon as possible")


def placeholder_values(complaint: Complaint, language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "resident": resident_address(complaint),
            "team": complaint.team.name if complaint.team_id else _("our team"),
            "promised_time": promised_time(complaint),
            "reference": complaint.reference,
        }


def script_text(script: ReplyScript, language: str) -> str:
    return script.text_en if language == "en" else script.text_zh_hans


def text_fill(text: str, complaint: Complaint, *, language: str, escaped: bool = False) -> str:
    """`text` with its placeholders filled; braces that name no placeholder stay as
    written. `escaped`: the text and the values HTML-escaped (for a page)."""
    values = placeholder_values(complaint, language)
    if not escaped:
        return PLACEHOLDER.sub(lambda match: values[match[1]], text)
    parts = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts += [escape(text[position : match.start()]), escape(values[match[1]])]
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def script_fill(script: ReplyScript, complaint: Complaint, *, language: str) -> str:
    return text_fill(script_text(script, language), complaint, language=language)


def script_fill_html(script: ReplyScript, complaint: Complaint, *, language: str) -> SafeString:
    # Every piece is escaped by text_fill.
    return mark_safe(
        text_fill(script_text(script, language), complaint, language=language, escaped=True)
    )
