"""The complaint list writes its own rows (complaints.admin.rows) for speed; they are the
admin's, cell for cell: the same markup, classes, empty values and checkboxes, in both
languages."""

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation
from workspace_helpers import admin_url

from complaints import services
from complaints.admin.rows import complaint_change_url, result_rows
from complaints.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(in_state, resident, unit):
    """Complaints in several states: unclassified (no level, category or team), a
    suspected emergency, dispatched, held, closed."""
    services.complaint_create(actor=resident.user, description="水管爆管了", unit=unit)
    return [
        in_state(state) for state in (State.NEW, State.CLASSIFIED, State.DISPATCHED, State.HANDLED)
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_rows_are_the_admins_own(client, project_manager, listed, language):
    client.force_login(project_manager)
    with translation.override(language):
        response = client.get(admin_url("complaints_complaint_changelist"))
        cl = response.context["cl"]

        ours = result_rows(cl)
        django = [list(row) for row in results(cl)]

    assert len(ours) == 5
    assert ours == django
    assert all(str(row[0]).startswith('<td class="action-checkbox">') for row in ours)


def test_the_page_shows_the_rows(client, project_manager, listed):
    client.force_login(project_manager)

    content = client.get(admin_url("complaints_complaint_changelist")).content.decode()

    for complaint in listed:
        assert f'value="{complaint.pk}" class="action-select"' in content
    assert content.count('<td class="field-state_badge">') == 5


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("script_prefix", ["/", "/desk/"])
def test_a_rows_link_is_its_complaints_change_page(language, script_prefix):
    set_script_prefix(script_prefix)
    try:
        with translation.override(language):
            for pk in (1, 7, 10, 123456789):
                expected = reverse("admin:complaints_complaint_change", args=[pk])
                assert complaint_change_url(pk) == expected
                assert expected.startswith(script_prefix)
    finally:
        clear_script_prefix()
