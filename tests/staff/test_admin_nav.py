"""The admin's app list and navigation sidebar: the list is Django's, built once per request
(staff.admin_site); the sidebar is cached by what it shows (staff.templatetags.admin_nav),
so every page shows the sidebar Django's own template renders for that user, page and
language, whatever another user or page put in the cache before."""

import re
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from staff.admin_site import PropertyDeskAdminSite

COMPLAINTS = "/en/admin/complaints/complaint/"
TEAMS = "/en/admin/staff/team/"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sidebar(response) -> str:
    html = response.content.decode()
    match = re.search(r'<nav class="sticky" id="nav-sidebar".*?</nav>', html, re.S)
    assert match, "no navigation sidebar on the page"
    return match.group(0)


def expected_sidebar(response) -> str:
    """What Django's own `admin/nav_sidebar.html` renders for this response's request."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        html = render_to_string(
            "admin/nav_sidebar.html",
            {"available_apps": response.context["available_apps"]},
            request=response.wsgi_request,
        )
    match = re.search(r'<nav class="sticky" id="nav-sidebar".*?</nav>', html, re.S)
    return match.group(0)


def current_models(response) -> list[str]:
    return re.findall(r'<tr class="model-(\w+) current-model">', sidebar(response))


def links(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', sidebar(response)))


def test_every_page_shows_the_sidebar_django_renders_for_it(project_manager, handler):
    manager = client_of(project_manager)
    for url in (COMPLAINTS, TEAMS, f"{COMPLAINTS}?state=new", COMPLAINTS, TEAMS):
        response = manager.get(url)
        assert response.status_code == 200, url
        assert sidebar(response) == expected_sidebar(response), url
    assert current_models(manager.get(COMPLAINTS)) == ["complaint"]
    assert current_models(manager.get(TEAMS)) == ["team"]
    assert current_models(manager.get("/en/admin/buildings/property/")) == ["property"]


def test_a_user_with_fewer_permissions_never_gets_anothers_sidebar(project_manager, handler):
    manager_page = client_of(project_manager).get(COMPLAINTS)
    handler_page = client_of(handler).get(COMPLAINTS)

    assert sidebar(handler_page) == expected_sidebar(handler_page)
    only_the_managers = links(manager_page) - links(handler_page)
    assert only_the_managers, "the roles' sidebars should differ for this test to mean anything"
    assert not only_the_managers & links(handler_page)


def test_a_granted_permission_shows_its_link_on_the_next_page(handler):
    client = client_of(handler)
    assert TEAMS not in links(client.get(COMPLAINTS))

    handler.user_permissions.add(
        Permission.objects.get(content_type__app_label="staff", codename="view_team")
    )

    response = client.get(COMPLAINTS)
    assert TEAMS in links(response)
    assert sidebar(response) == expected_sidebar(response)


def test_each_language_has_its_own_sidebar(project_manager):
    client = client_of(project_manager)
    english = client.get(COMPLAINTS)
    chinese = client.get("/admin/complaints/complaint/")

    assert "Start typing to filter" in sidebar(english)
    assert "Start typing to filter" not in sidebar(chinese)
    assert sidebar(chinese) == expected_sidebar(chinese)
    assert "/admin/complaints/complaint/" in links(chinese)
    assert COMPLAINTS not in links(chinese)


def names(app_list) -> list:
    return [(app["app_label"], [str(model["name"]) for model in app["models"]]) for app in app_list]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_app_list_is_djangos_in_djangos_order(rf, project_manager, handler, language):
    for user in (project_manager, handler):
        ours, djangos = rf.get("/"), rf.get("/")
        ours.user = djangos.user = user
        with translation.override(language):
            expected = names(AdminSite.get_app_list(admin.site, djangos))
            assert names(admin.site.get_app_list(ours)) == expected
            assert names(admin.site.get_app_list(ours, "complaints")) == [
                app for app in expected if app[0] == "complaints"
            ]


def test_the_index_builds_the_app_list_once(project_manager):
    client = client_of(project_manager)
    build = PropertyDeskAdminSite._build_app_dict
    with mock.patch.object(
        PropertyDeskAdminSite, "_build_app_dict", autospec=True, side_effect=build
    ) as built:
        response = client.get("/en/admin/")
    assert response.status_code == 200
    assert built.call_count == 1
    assert "/en/admin/complaints/complaint/" in response.content.decode()


def rendered_sidebar(response) -> bool:
    return "admin/nav_sidebar.html" in [template.name for template in response.templates]


def test_the_sidebar_is_kept_in_each_process_own_memory(project_manager):
    """Cached in the process, not the shared cache (a 20 KB round trip to Redis on every
    admin page): emptying the shared cache does not render it again, emptying the
    process's does."""
    client = client_of(project_manager)
    assert rendered_sidebar(client.get(COMPLAINTS))

    caches["default"].clear()
    assert not rendered_sidebar(client.get(COMPLAINTS))

    caches["local"].clear()
    assert rendered_sidebar(client.get(COMPLAINTS))
