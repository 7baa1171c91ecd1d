"""A change page's fieldset of read-only fields, in the markup of Django's
`admin/includes/fieldset.html`, built in Python.

The template language spent about 10 ms on the five fieldsets of a complaint's page
(42 fields), most of it resolving the template's conditions for editable fields, errors
and checkboxes, which a read-only field never has, and iterating every line twice. The
fields' labels and contents are still Django's (`AdminReadonlyField`). A fieldset with
an editable field is rendered by Django's template.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def readonly_fieldset(context, fieldset, index: int) -> str:
    lines = [list(line) for line in fieldset]
    if not all(field.is_readonly for fields in lines for field in fields):
        with context.push(
            fieldset=fieldset, heading_level=2, prefix="fieldset", id_prefix=0, id_suffix=index
        ):
            return context.template.engine.get_template("admin/includes/fieldset.html").render(
                context
            )
    heading = f"fieldset-0-{index}-heading"
    collapsible = fieldset.name and fieldset.is_collapsible
    parts = [
        format_html(
            '<fieldset class="module aligned {}"{}>',
            fieldset.classes,
            format_html(' aria-labelledby="{}"', heading) if fieldset.name else "",
        )
    ]
    if fieldset.name:
        parts += [
            "<details><summary>" if collapsible else "",
            format_html('<h2 id="{}" class="fieldset-heading">{}</h2>', heading, fieldset.name),
            "</summary>" if collapsible else "",
        ]
    if fieldset.description:
        parts.append(
            format_html('<div class="description">{}</div>', mark_safe(fieldset.description))
        )
    for fields in lines:
        names = [field.field["name"] for field in fields]
        single = len(fields) == 1
        parts.append(
            format_html(
                '<div class="form-row{}">',
                "".join(f" field-{name}" for name in names if name),
            )
        )
        if not single:
            parts.append('<div class="flex-container form-multiline">')
        for field, name in zip(fields, names, strict=True):
            help_text = field.field["help_text"]
            parts.append(
                format_html(
                    '<div><div class="flex-container{}">{}<div class="readonly">{}</div></div>{}'
                    "</div>",
                    "" if single else f" fieldBox{f' field-{name}' if name else ''}",
                    field.label_tag(),
                    field.contents(),
                    format_html('<div class="help"><div>{}</div></div>', mark_safe(help_text))
                    if help_text
                    else "",
                )
            )
        parts.append("</div></div>" if not single else "</div>")
    parts.append("</details></fieldset>" if collapsible else "</fieldset>")
    return mark_safe("".join(parts))
