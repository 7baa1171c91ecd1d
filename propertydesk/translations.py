"""Interface strings of Django and of libraries that their own catalogues leave in
English for Simplified Chinese. Listed here so that makemessages keeps them in the
project's catalogue, which is read before theirs."""

from django.utils.translation import gettext_noop

BORROWED = [
    # django/contrib/admin/templates/admin/app_list.html (screen-reader headers)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]
