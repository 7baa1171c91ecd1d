"""Every admin list and change page, and every portal page, rendered in Chinese and in
English: the words of the interface (column headers, field labels, legends, buttons) are
in the reader's language. A header left as its code ("LOCATION DISPLAY"), an English
word on a Chinese page or Chinese on an English page fails, naming the page."""

import re
from html.parser import HTMLParser

import pytest
from access_matrix.world import BUILT_AT, REQUESTED_AT, build_world
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation
from factories import UserFactory

pytestmark = pytest.mark.django_db

# Words that are the same in both languages.
SAME_IN_BOTH = {"SLA", "CSV", "XLSX", "ID", "IoT", "PropertyDesk", "URL", "IP"}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
WORDS_OF = {"th", "label", "legend", "button", "caption"}


class InterfaceWords(HTMLParser):
    """The texts of headers in <thead>, labels, legends, buttons and captions, and the
    values of submit inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.in_thead = 0
        self.texts: list[str] = []
        self.current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "thead":
            self.in_thead += 1
        if tag == "input" and attributes.get("type") == "submit" and attributes.get("value"):
            self.texts.append(attributes["value"])
        # An element in its own language (the language switch) is not the page's.
        own_language = "lang" in attributes
        if (
            tag in WORDS_OF
            and (tag != "th" or self.in_thead)
            and self.current is None
            and not own_language
        ):
            self.current = []
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_thead -= 1
        if self.open and tag == self.open[-1]:
            self.open.pop()
            text = " ".join("".join(self.current or []).split())
            if text:
                self.texts.append(text)
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


def wrong_words(html: str, language: str) -> list[str]:
    parser = InterfaceWords()
    parser.feed(html)
    wrong = []
    for text in parser.texts:
        if language == "zh-hans":
            words = [w for w in LATIN_WORD.findall(text) if w not in SAME_IN_BOTH]
            if words and not CJK.search(text):
                wrong.append(text)
        elif CJK.search(text):
            wrong.append(text)
    return wrong


def admin_pages() -> list[tuple]:
    pages = []
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append((f"{model.__name__} list", f"{info}_changelist"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append((f"{model.__name__} page", f"{info}_change", obj.pk))
    return pages


@pytest.fixture
def world(time_machine):
    time_machine.move_to(BUILT_AT, tick=False)
    world = build_world()
    time_machine.move_to(REQUESTED_AT, tick=False)
    return world


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_admin_page_speaks_the_readers_language(world, language):
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    failures = {}
    for name, url_name, *args in admin_pages():
        with translation.override(language):
            url = reverse(url_name, args=args)
        response = client.get(url, follow=True)
        assert response.status_code == 200, (name, url)
        wrong = wrong_words(response.content.decode(), language)
        if wrong:
            failures[name] = wrong
    assert failures == {}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_portal_page_speaks_the_readers_language(world, language):
    client = Client()
    client.force_login(world.users["resident_a"])
    complaint = world.complaints["AC"]
    names = [
        ("portal:complaint_list", ()),
        ("portal:complaint_new", ()),
        ("portal:complaint_detail", (complaint.pk,)),
        ("portal:notifications", ()),
    ]
    failures = {}
    for name, args in names:
        with translation.override(language):
            url = reverse(name, args=args)
        response = client.get(url)
        assert response.status_code == 200, url
        wrong = wrong_words(response.content.decode(), language)
        if wrong:
            failures[name] = wrong
    assert failures == {}
