"""A complaint's page only shows: every change goes through an action's service, so
nobody, the superuser included, gets a form to save."""

import pytest
from workspace_helpers import admin_url

from complaints.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["agent", "admin_user"])
def test_the_change_page_has_no_save_buttons(client, held, who, request):
    client.force_login(request.getfixturevalue(who))

    page = client.get(admin_url("complaints_complaint_change", held.pk)).content.decode()

    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page
    assert 'name="_addanother"' not in page


def test_a_posted_change_form_is_refused_and_writes_nothing(client, complaint, admin_user):
    """A complaint without photos, holds or breaches: its form has no sections to be
    refused for, so it would be saved if the page let anyone change it."""
    client.force_login(admin_user)
    before = Complaint.history.filter(id=complaint.pk).count()
    row = Complaint.objects.filter(pk=complaint.pk).values().get()

    response = client.post(
        admin_url("complaints_complaint_change", complaint.pk), {"_save": "Save"}
    )

    assert response.status_code == 403
    assert Complaint.objects.filter(pk=complaint.pk).values().get() == row
    assert Complaint.history.filter(id=complaint.pk).count() == before
