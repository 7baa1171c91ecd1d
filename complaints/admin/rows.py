"""The complaint list's rows, each cell written by its column: Django's `result_list`
looks every cell up through `lookup_field` and renders each checkbox through a widget
template, about 50 ms of a 50-row page, more than the database spends on it. The
headers, the markup and the css classes are the admin's own."""

from functools import cache, lru_cache

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.utils import display_for_field
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def result_list(cl: ChangeList) -> dict:
    """The context of the admin's `change_list_results.html`, as its `result_list` tag
    gives it (the complaint list has no editable columns, so no hidden fields)."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": result_rows(cl),
    }


def result_rows(cl: ChangeList) -> list[list[SafeString]]:
    cells = [_cell_writer(cl, name) for name in cl.list_display]
    return [[cell(obj) for cell in cells] for obj in cl.result_list]


def _cell_writer(cl: ChangeList, name: str):
    model_admin = cl.model_admin
    if name == "action_checkbox":
        label = _("Select this object for an action - {}")
        return lambda obj: format_html(
            '<td class="action-checkbox"><input type="checkbox" name="{}" value="{}"'
            ' class="action-select" aria-label="{}"></td>',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            label.format(obj),
        )
    empty = model_admin.get_empty_value_display()
    try:
        field = cl.lookup_opts.get_field(name)
    except FieldDoesNotExist:
        column = getattr(model_admin, name)
        td = _td(f"field-{name}")
        return lambda obj: td(_or(column(obj), empty))
    if field.is_relation:
        td = _td(f"field-{name} nowrap")
        return lambda obj: td(_or(getattr(obj, name), empty))
    td = _td(f"field-{name}")
    return lambda obj: td(display_for_field(getattr(obj, name), field, empty))


def _td(css: str):
    """`format_html('<td class="{}">{}</td>', css, value)` with the class escaped once
    per column, not in each of the page's 450 cells."""
    head = f'<td class="{escape(css)}">'

    def td(value) -> SafeString:
        return SafeString(head + conditional_escape(value) + "</td>")

    return td


def _or(value, empty):
    return empty if value is None or value == "" else value


def label_of(choices, value) -> str:
    """`get_FOO_display()` for a list or an export: Django's builds and hashes a dict of
    every choice's label on each call (eleven states for every row)."""
    return _labels(choices, get_language()).get(value, value)


@cache
def _labels(choices, language: str | None) -> dict:
    return {value: str(label) for value, label in choices.choices}


def complaint_change_url(pk: int) -> str:
    """`reverse("admin:complaints_complaint_change", args=[pk])` for a list's rows: the
    URL is reversed once for each language and script prefix (about 90 µs, every row)."""
    return _change_url_head(get_language(), get_script_prefix(), get_urlconf()) + f"{pk}/change/"


@lru_cache(maxsize=32)
def _change_url_head(language: str | None, prefix: str, urlconf) -> str:
    url = reverse("admin:complaints_complaint_change", args=[0])
    head, tail = url[: -len("0/change/")], url[-len("0/change/") :]
    assert tail == "0/change/", url
    return head
