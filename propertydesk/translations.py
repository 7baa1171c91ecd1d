"""Interface strings of Django and of libraries that their own catalogues leave in
English for Simplified Chinese. Listed here so that makemessages keeps them in the
project's catalogue, which is read before theirs."""

from django.utils.translation import gettext_noop, ngettext_lazy

BORROWED = [
    # django/contrib/admin/templates/admin/app_list.html (screen-reader headers)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]

# Strings Django's Simplified Chinese catalogue words for programmers ("该变量", the
# variable): translated again here in the reader's words.
REWORDED = [
    # django/core/validators.py MaxLengthValidator, MinLengthValidator
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
]
