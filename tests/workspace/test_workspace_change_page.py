"""A complaint's change page: its read-only fieldsets are Django's markup, built in Python
(staff.templatetags.admin_fieldsets), and its photo, hold and breach sections read their
rows without joining the complaint again, each row still titled by its complaint."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import AdminForm
from django.db import connection
from django.template import Context, Template
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from factories import image_upload
from workspace_helpers import admin_url

from complaints.models import Breach, Deadline, Level, Photo
from complaints.services.photos import photos_add, photos_process

pytestmark = pytest.mark.django_db


def markup(html: str) -> str:
    """The HTML without the whitespace between tags, which the template's indentation adds."""
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


def django_fieldsets(response) -> list[str]:
    """Each fieldset of the page as Django's `admin/includes/fieldset.html` renders it."""
    template = get_template("admin/includes/fieldset.html")
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return [
            markup(
                template.render(
                    {
                        "fieldset": fieldset,
                        "heading_level": 2,
                        "prefix": "fieldset",
                        "id_prefix": 0,
                        "id_suffix": index,
                    }
                )
            )
            for index, fieldset in enumerate(response.context["adminform"])
        ]


def add_rows(complaint, actor, count: int) -> None:
    """`count` more photos and breaches (three deadlines at most)."""
    uploads = photos_process({Photo.Step.BEFORE: [image_upload() for _ in range(count)]})
    photos_add(complaint, uploads, actor=actor)
    done = complaint.breaches.count()
    for deadline in list(Deadline)[done : done + count]:
        Breach.objects.create(
            complaint=complaint,
            deadline=deadline,
            cycle=0,
            level=complaint.level or Level.values[-1],
            due_at=timezone.now() - timedelta(hours=1),
            detected_at=timezone.now(),
        )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_fieldsets_are_the_markup_of_djangos_template(client, held, agent, language):
    """Every fieldset on the page, in both languages, is what Django's template renders for
    it: labels, contents, help texts, the multi-field lines and the collapsed timestamps."""
    client.force_login(agent)

    with translation.override(language):
        url = admin_url("complaints_complaint_change", held.pk)

    response = client.get(url)

    assert response.status_code == 200
    page = markup(response.content.decode())
    expected = django_fieldsets(response)
    assert len(expected) == 5
    for fieldset in expected:
        assert fieldset in page
    assert "<details><summary>" in expected[-1]
    help_text = "In the current SLA cycle." if language == "en" else "本轮处理周期内累计。"
    assert f'<div class="help"><div>{help_text}</div></div>' in expected[3]


def test_a_fieldset_with_an_editable_field_is_left_to_djangos_template(rf, admin_user):
    """The tag renders only read-only fields; a fieldset with a field to edit is Django's
    template's output, unchanged."""
    from django.contrib import admin

    from staff.models import Team

    model_admin = admin.site._registry[Team]
    request = rf.get("/")
    request.user = admin_user
    form = model_admin.get_form(request)()
    adminform = AdminForm(form, [(None, {"fields": ["name"]})], {}, model_admin=model_admin)
    fieldset = next(iter(adminform))
    context = {"fieldset": fieldset, "heading_level": 2, "prefix": "fieldset"}
    context |= {"id_prefix": 0, "id_suffix": 0}

    rendered = Template("{% load admin_fieldsets %}{% readonly_fieldset fieldset 0 %}").render(
        Context({"fieldset": fieldset})
    )

    assert 'name="name"' in rendered
    assert rendered == get_template("admin/includes/fieldset.html").render(context)


def test_the_sections_name_their_complaint_without_reading_it_again(client, held, agent):
    """The photo, hold and breach rows are titled by the complaint's reference; their
    queries do not join the complaint, and three rows of each take the queries of one."""
    client.force_login(agent)
    url = admin_url("complaints_complaint_change", held.pk)
    add_rows(held, agent, 1)
    client.get(url)

    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    # Read now: a request made outside a capture empties the connection's query log.
    queries_of_one = len(one.captured_queries)
    add_rows(held, agent, 2)
    with CaptureQueriesContext(connection) as three:
        again = client.get(url)

    assert response.status_code == again.status_code == 200
    page = again.content.decode()
    assert page.count(f"{held.reference} ") >= 3 + 1 + 3
    assert "Pump on order" in page
    sections = [
        query["sql"]
        for query in three.captured_queries
        if re.match(r'SELECT "complaints_(photo|hold|breach)"\.', query["sql"])
    ]
    assert len(sections) == 3
    for sql in sections:
        assert 'JOIN "complaints_complaint"' not in sql
    assert len(three.captured_queries) == queries_of_one


def test_a_section_shows_only_with_rows(client, complaint, agent):
    """Photos, holds and breaches each get a section once there is one: a complaint
    without any shows none, and its page reads none of their tables."""
    client.force_login(agent)
    url = admin_url("complaints_complaint_change", complaint.pk)

    with CaptureQueriesContext(connection) as bare:
        page = client.get(url).content.decode()
    # Read now: a request made outside a capture empties the connection's query log.
    section_queries = [
        q["sql"]
        for q in bare.captured_queries
        if re.match(r'SELECT "complaints_(photo|hold|breach|devicealert)"\.', q["sql"])
    ]
    assert len(bare.captured_queries) > 5
    photos_add(complaint, photos_process({Photo.Step.BEFORE: [image_upload()]}), actor=agent)
    with_photo = client.get(url).content.decode()

    for prefix in ("photos", "holds", "breaches", "device_alert"):
        assert f'id="{prefix}-group"' not in page
    assert section_queries == []
    assert 'id="photos-group"' in with_photo
    assert 'id="holds-group"' not in with_photo
    assert 'id="breaches-group"' not in with_photo
