"""A resident signed out while writing (in another tab, or by time) loses nothing: the
complaint posted while signed out is kept and offered again after signing in. A form
that cannot be sent safely (no cookie, an old token) gets a page in the reader's
language that says what to do."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from factories import PASSWORD

from complaints.models import Complaint

pytestmark = pytest.mark.django_db


def sign_in(client: Client, next_url: str):
    return client.post(
        reverse("portal:login"),
        {"username": "resident", "password": PASSWORD, "next": next_url},
        follow=True,
    )


def test_text_posted_while_signed_out_is_back_after_signing_in(
    resident_client, resident, complaint_form
):
    new_url = reverse("portal:complaint_new")
    resident_client.get(new_url)
    resident_client.post(reverse("portal:logout"))  # as in another tab

    response = resident_client.post(
        new_url,
        complaint_form(description="Water comes through the bathroom ceiling."),
        follow=True,
    )

    assert not Complaint.objects.exists()
    assert response.redirect_chain[-1][0].startswith(reverse("portal:login"))
    assert "what you wrote is kept" in response.content.decode()

    page = sign_in(resident_client, new_url)

    assert page.redirect_chain[-1][0] == new_url
    content = page.content.decode()
    assert "Water comes through the bathroom ceiling." in content
    assert 'value="Kitchen"' in content
    again = resident_client.get(new_url).content.decode()
    assert "Water comes through the bathroom ceiling." not in again


def test_a_draft_is_not_offered_on_another_page_or_after_an_hour(
    resident_client, complaint_form, now, time_machine
):
    new_url = reverse("portal:complaint_new")
    resident_client.post(reverse("portal:logout"))
    resident_client.post(new_url, complaint_form(description="Lift stuck on floor 9."))
    time_machine.shift(3601)

    sign_in(resident_client, new_url)

    assert "Lift stuck on floor 9." not in resident_client.get(new_url).content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "The page had expired"), ("zh-hans", "页面已过期")],
)
def test_a_form_without_its_cookie_gets_a_page_in_the_readers_language(db, language, words):
    client = Client(enforce_csrf_checks=True)
    with translation.override(language):
        url = reverse("portal:login")

    response = client.post(url, {"username": "resident", "password": "x"})

    assert response.status_code == 403
    content = response.content.decode()
    assert words in content
    assert "CSRF" not in content
