"""The admin's navigation sidebar, rendered once for each set of links it shows.

Django renders `admin/nav_sidebar.html` on every admin page from the app list: a row of
links for each of 36 models, about 15 ms of a changelist on a slow machine, the same
HTML for every page of a user. The cache key is everything the template reads: the
language, the app list as this request's permissions and scope built it, and which of
its links the page's path contains (the current section). A change of any of them
renders it anew; nothing has to be invalidated, so each process keeps its own copies.
"""

import hashlib

from django import template
from django.core.cache import caches
from django.template.defaultfilters import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

TIMEOUT = 24 * 60 * 60


@register.simple_tag(takes_context=True)
def nav_sidebar(context) -> str:
    key = _key(context.get("available_apps", []), context["request"].path)
    cache = caches["local"]
    html = cache.get(key)
    if html is None:
        html = context.template.engine.get_template("admin/nav_sidebar.html").render(context)
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # the admin's template rendered it, escaped


def _key(apps: list[dict], path: str) -> str:
    here = urlencode(path)
    links = _plain(apps)
    current = [
        url
        for app in apps
        for url in (app.get("app_url"), *(model.get("admin_url") for model in app["models"]))
        if url and url in here
    ]
    digest = hashlib.md5(repr((links, current)).encode(), usedforsecurity=False)
    return f"admin-nav-sidebar:{get_language()}:{digest.hexdigest()}"


def _plain(value):
    """The app list as plain values: its names are lazy translations, and its models
    classes (the same for everyone, named by their `object_name`)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v)) for k, v in value.items() if k != "model"))
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    return str(value)
