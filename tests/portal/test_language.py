"""Simplified Chinese by default, English by the switch (Django's set_language view).

Portal URLs without a prefix are Chinese; the English pages live under /en/. Paths are
written out here because the root conftest makes `reverse()` answer in English."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django import forms
from django.utils import translation
from factories import UnitFactory

from complaints.models import Complaint

LIST = "/portal/complaints/"
CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_pages_are_chinese_by_default(resident_client, portal_catalogue):
    """Without a language prefix the portal speaks Simplified Chinese."""
    response = resident_client.get(LIST)
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    assert "我的投诉" in content
    assert "我要投诉" in content
    assert "My complaints" not in content


def test_django_messages_are_chinese_by_default(anonymous_client):
    """Even before the portal's catalogue is merged, Django's own texts are Chinese."""
    response = anonymous_client.post("/portal/login/", {"username": "", "password": ""})
    with translation.override("zh-hans"):
        required = str(forms.Field.default_error_messages["required"])
    assert required != "This field is required."
    assert required in response.content.decode()


def test_switch_to_english_and_back(resident_client, portal_catalogue):
    """The footer's switch posts to /i18n/setlang/; the page comes back in English, and
    switching again returns to Chinese."""
    page = resident_client.get(LIST).content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert '<input type="hidden" name="next" value="/en/portal/complaints/">' in page
    assert 'name="language" value="en"' in page
    response = resident_client.post(
        "/i18n/setlang/", {"language": "en", "next": "/en/portal/complaints/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/portal/complaints/"
    english = resident_client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in english
    assert "My complaints" in english
    assert "我的投诉" not in english
    assert f'<input type="hidden" name="next" value="{LIST}">' in english
    response = resident_client.post("/i18n/setlang/", {"language": "zh-hans", "next": LIST})
    assert response["Location"] == LIST
    assert "我的投诉" in resident_client.get(LIST).content.decode()


def test_categories_and_field_errors_follow_the_language(
    resident_client, building, portal_catalogue
):
    """Category names and errors next to the fields are in the page's language."""
    form = resident_client.get("/portal/complaints/new/").content.decode()
    assert "渗漏与管道" in form
    neighbour_unit = UnitFactory(building=building, number="1102")
    data = {"place": f"unit:{neighbour_unit.pk}", "description": "漏水"}
    chinese = resident_client.post("/portal/complaints/new/", data).content.decode()
    assert "请选择您自己的房屋或您所在小区的公共区域。" in chinese
    english = resident_client.post("/en/portal/complaints/new/", data).content.decode()
    assert "Choose one of your own homes or a common area where you live." in english
    assert "Leaks &amp; pipes" in english
    assert Complaint.objects.count() == 0


def test_promise_is_chinese(resident_client, complaint, portal_catalogue):
    """The level's promise reads naturally in Chinese."""
    content = resident_client.get(f"/portal/complaints/{complaint.pk}/submitted/").content
    assert "我们将在 2 小时内响应。" in content.decode()


def test_portal_catalogue_is_fully_translated():
    """Every message of the portal's catalogue has a Chinese translation."""
    if not CATALOGUE.exists():
        pytest.skip("the portal's catalogue is merged into locale/zh_Hans")
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    untranslated = [message.id for message in catalogue if message.id and not message.string]
    assert untranslated == []
    assert len(catalogue) > 100
