"""Phones, URLs and page parsing shared by the privacy tests."""

from html.parser import HTMLParser

from django.contrib.messages import get_messages
from django.urls import reverse

from complaints.models import PersonalDataAccess

PHONE = "13812341234"
MASKED = "138****1234"
NEIGHBOUR_PHONE = "13955556666"

Kind = PersonalDataAccess.Kind


def admin_url(name: str, *args) -> str:
    """An admin URL; the autouse `english` fixture makes it /en/admin/..."""
    return reverse(f"admin:{name}", args=args)


def resident_url(resident, view: str = "change") -> str:
    return admin_url(f"buildings_resident_{view}", resident.pk)


def messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def log(kind: str | None = None):
    """The access log rows, oldest first (of one kind, if given)."""
    rows = PersonalDataAccess.objects.order_by("pk")
    return rows.filter(kind=kind) if kind else rows


def logged_properties(entry: PersonalDataAccess) -> set[int]:
    return set(entry.properties.values_list("pk", flat=True))


class FormNesting(HTMLParser):
    """Records, for each <form id=…>, the ids of the forms open around it, and for each
    button with a `form` attribute, that attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.parents: dict[str, list[str]] = {}
        self.button_forms: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            form_id = attributes.get("id") or f"form-{len(self.parents)}"
            self.parents[form_id] = list(self.open)
            self.open.append(form_id)
        elif tag == "button" and attributes.get("form"):
            self.button_forms.append(attributes["form"])

    def handle_endtag(self, tag):
        if tag == "form" and self.open:
            self.open.pop()


def form_nesting(html: str) -> FormNesting:
    parser = FormNesting()
    parser.feed(html)
    return parser


def change_form_data(response, **changes) -> dict:
    """The POST of an admin change form as rendered (the form and its inlines' current
    values and management forms), with `changes`."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    data.update(changes)
    return data
