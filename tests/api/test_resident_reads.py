"""What a resident reads through the API, and who is refused: their own complaints only
(the portal's list, newest first, paginated), one complaint with the portal's timeline
and the actions the services would allow, the filing form's options, photos and
notifications. Without credentials 401, as staff or without a home 403, someone else's
complaint or photo 404; every refusal in the error body, in the caller's language."""

import pytest
from django.utils import timezone
from factories import ComplaintFactory, UserFactory, image_upload
from resident_fixtures import (  # noqa: F401
    api_client,
    api_url,
    res_anonymous_fixture,
    res_app_fixture,
    res_client_fixture,
    res_neighbour_fixture,
    res_staff_fixture,
)

from complaints import services
from complaints.models import Notification, State
from complaints.notifications import notification_build, notifications_save
from complaints.portal import display

# Every resident endpoint, as (URL name, method, needs a complaint id / a photo id).
ENDPOINTS = [
    ("resident_complaints", "get", None),
    ("resident_complaints", "post", None),
    ("resident_complaint_detail", "get", "complaint"),
    ("resident_complaint_withdraw", "post", "complaint"),
    ("resident_complaint_confirm", "post", "complaint"),
    ("resident_complaint_reopen", "post", "complaint"),
    ("resident_complaint_survey", "post", "complaint"),
    ("resident_filing_options", "get", None),
    ("resident_photo", "get", "photo"),
    ("resident_photo_thumbnail", "get", "photo"),
    ("resident_notifications", "get", None),
    ("resident_notifications_read", "post", None),
]
ON_A_COMPLAINT = [item for item in ENDPOINTS if item[2] is not None]


@pytest.fixture
def with_photo(resident):
    return ComplaintFactory(
        resident=resident, description="Crack in the wall", photos=[image_upload("wall.jpg")]
    )


def request(client, name, method, target, complaint, photo_complaint):
    args = []
    if target == "complaint":
        args = [complaint.pk]
    elif target == "photo":
        args = [photo_complaint.photos.get().pk]
    return getattr(client, method)(api_url(name, *args), {}, format="multipart")


def unchanged(complaint) -> tuple:
    complaint.refresh_from_db()
    return complaint.state, complaint.history.count()


@pytest.mark.parametrize(("name", "method", "target"), ENDPOINTS)
def test_without_credentials_every_endpoint_is_401(
    res_anonymous, complaint, with_photo, name, method, target
):
    before = unchanged(complaint)
    response = request(res_anonymous, name, method, target, complaint, with_photo)
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }
    assert response["WWW-Authenticate"] == "Token"
    assert unchanged(complaint) == before


@pytest.mark.parametrize(("name", "method", "target"), ENDPOINTS)
def test_staff_get_403_on_every_endpoint(res_staff, complaint, with_photo, name, method, target):
    """An agent who may see and work the complaint in the admin is still no resident."""
    before = unchanged(complaint)
    response = request(res_staff, name, method, target, complaint, with_photo)
    assert response.status_code == 403
    assert response.json() == {
        "code": "not_permitted",
        "detail": "This part of the API is for residents.",
    }
    assert unchanged(complaint) == before


def test_an_account_without_a_home_gets_403(complaint):
    client = api_client(UserFactory(username="nobody"), token=True)
    response = client.get(api_url("resident_complaints"))
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


@pytest.mark.parametrize(("name", "method", "target"), ON_A_COMPLAINT)
def test_another_residents_complaint_and_photo_are_not_found(
    res_neighbour, complaint, with_photo, name, method, target
):
    """Every read and action on a neighbour's complaint, or its photo, is a 404 and
    changes nothing."""
    before = unchanged(complaint)
    response = request(res_neighbour, name, method, target, complaint, with_photo)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response["Content-Type"] == "application/json"
    assert unchanged(complaint) == before


def test_an_unknown_complaint_is_not_found(res_app):
    for url in (
        api_url("resident_complaint_detail", 999999),
        api_url("resident_complaint_detail", 2**63 - 1),
    ):
        response = res_app.get(url)
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": "Complaint not found."}


def test_refusals_speak_the_callers_language(resident2, complaint):
    """Accept-Language: zh-hans gets the domain's and DRF's messages in Chinese."""
    missing = api_client(language="zh-hans").get(api_url("resident_complaints"))
    assert missing.status_code == 401
    assert missing.json()["detail"] == "身份认证信息未提供。"
    assert missing["Content-Language"] == "zh-hans"
    neighbour = api_client(resident2.user, token=True, language="zh-hans")
    response = neighbour.get(api_url("resident_complaint_detail", complaint.pk))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "未找到该投诉。"}


def test_the_language_cookie_wins_as_in_the_portal(resident, complaint):
    """A browser that chose English in the portal gets English from the API too."""
    client = api_client(resident.user, language="zh-hans")
    client.cookies["django_language"] = "en"
    response = client.get(api_url("resident_complaint_detail", complaint.pk))
    assert response.json()["state_label"] == "Submitted"
    assert response["Content-Language"] == "en"


# --- The list and the detail ---------------------------------------------------------------


def test_the_list_holds_only_mine_newest_first(res_client, resident, resident2, now, time_machine):
    """The portal's list: mine, newest first, each with its state and next step in plain
    words; a neighbour's never."""
    first = ComplaintFactory(resident=resident, description="Broken letterbox")
    time_machine.shift(60)
    second = ComplaintFactory(resident=resident, description="Lift light flickers")
    ComplaintFactory(resident=resident2, description="Noisy pump")

    response = res_client.get(api_url("resident_complaints"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [second.pk, first.pk]
    row = body["results"][1]
    assert row["reference"] == first.reference
    assert row["state"] == "new"
    assert row["state_label"] == "Submitted"
    assert row["next_step"] == display.next_step(first)
    assert row["description"] == "Broken letterbox"
    assert row["channel"] == "web"
    assert row["place"] == {"kind": "unit", "id": first.unit_id, "name": str(first.unit)}
    assert "Noisy pump" not in response.content.decode()


def test_the_list_is_paginated_by_twenty(res_client, resident, settings):
    settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 100
    for number in range(21):
        ComplaintFactory(resident=resident, description=f"Report {number}")
    first = res_client.get(api_url("resident_complaints")).json()
    assert first["count"] == 21
    assert len(first["results"]) == 20
    second = res_client.get(first["next"]).json()
    assert [item["description"] for item in second["results"]] == ["Report 0"]


def test_the_detail_has_the_portals_timeline_and_actions(res_app, walk):
    """A handled complaint: the timeline the portal shows, no promise any more, and the
    resident may confirm or say "not fixed", not withdraw or rate."""
    complaint = walk(State.HANDLED)

    response = res_app.get(api_url("resident_complaint_detail", complaint.pk))

    assert response.status_code == 200
    body = response.json()
    assert [entry["title"] for entry in body["timeline"]] == [
        entry.title for entry in display.timeline(complaint)
    ]
    assert [entry["title"] for entry in body["timeline"]] == [
        "Submitted",
        "Accepted by Na Li",
        "Checked and sorted",
        "Sent to Engineering",
        "Fixed",
    ]
    assert body["timeline"][-1]["detail"] == "Replaced the seal."
    assert body["state_label"] == "Fixed — please confirm"
    assert body["promise"] == []
    assert body["category"]["name"] == "Door bell"
    assert body["level"] == 2
    assert body["actions"] == {"withdraw": False, "confirm": True, "reopen": True, "rate": False}
    assert body["survey"] is None


def test_a_new_complaint_promises_and_may_be_withdrawn(res_client, complaint):
    body = res_client.get(api_url("resident_complaint_detail", complaint.pk)).json()
    assert body["promise"] == display.promise_sentences(complaint)
    assert body["promise"][0].startswith("We will respond within")
    assert body["actions"] == {"withdraw": True, "confirm": False, "reopen": False, "rate": False}


def test_the_detail_shows_the_rating_once_given(res_client, resident, walk):
    complaint = walk(State.CLOSED)
    assert res_client.get(api_url("resident_complaint_detail", complaint.pk)).json()["actions"][
        "rate"
    ]
    services.survey_submit(
        complaint_id=complaint.pk, actor=resident.user, solved=80, speed=60, attitude=100
    )
    body = res_client.get(api_url("resident_complaint_detail", complaint.pk)).json()
    assert body["survey"]["solved"] == 80
    assert body["survey"]["attitude"] == 100
    assert body["actions"]["rate"] is False
    assert body["next_step"] == "Done"


def test_photos_are_served_to_the_app_with_its_token(res_app, res_neighbour, with_photo):
    """The timeline's photo URLs work with the app's token (the site's photo view, its
    visibility rule), for the resident only."""
    body = res_app.get(api_url("resident_complaint_detail", with_photo.pk)).json()
    (photo,) = body["timeline"][0]["photos"]
    assert photo["step"] == "evidence"
    for url in (photo["url"], photo["thumbnail_url"]):
        response = res_app.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=3600"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
        assert res_neighbour.get(url).status_code == 404


def test_no_full_phone_number_in_any_answer(res_client, resident, resident2, walk, prop):
    """Neither the resident's own number nor a neighbour's appears unmasked: complaints
    carry none, and the filing options show only the property's duty phone."""
    prop.duty_phone = "021-5555 0000"
    prop.save()
    complaint = walk(State.HANDLED)
    ComplaintFactory(resident=resident2)
    bodies = [
        res_client.get(api_url(name, *args)).content.decode()
        for name, args in [
            ("resident_complaints", []),
            ("resident_complaint_detail", [complaint.pk]),
            ("resident_notifications", []),
            ("resident_filing_options", []),
        ]
    ]
    for body in bodies:
        assert resident.phone not in body
        assert resident2.phone not in body
    assert "021-5555 0000" in bodies[-1]


# --- Filing options ------------------------------------------------------------------------


def test_filing_options_are_the_portal_forms(
    res_client, unit, building, prop, other_building, category
):
    """My unit, its building and its estate; the active categories with their groups; the
    photo limit."""
    body = res_client.get(api_url("resident_filing_options")).json()
    assert body["places"] == [
        {"kind": "unit", "id": unit.pk, "name": f"My home: {unit}"},
        {"kind": "building", "id": building.pk, "name": f"Common area of {building}"},
        {"kind": "property", "id": prop.pk, "name": f"Common area of {prop} (whole estate)"},
    ]
    names = {item["name"]: item["group"] for item in body["categories"]}
    assert names["Door bell"] is None
    assert names["Elevator"] == "Facilities & equipment"
    assert body["max_photos"] == 9


# --- Notifications -------------------------------------------------------------------------


def notify(user, complaint, *, kind="survey", key="k1"):
    notifications_save(
        [
            notification_build(
                recipient_id=user.pk,
                kind=kind,
                event_key=key,
                now=timezone.now(),
                complaint=complaint,
            )
        ]
    )


def test_notifications_are_mine_and_reading_them_does_not_mark_them(
    res_client, resident, resident2, walk
):
    complaint = walk(State.HANDLED)
    notify(resident2.user, None, key="neighbour")

    response = res_client.get(api_url("resident_notifications"))

    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["text"] == (
        f"Your complaint {complaint.reference} has been handled. Please confirm the fix."
    )
    assert item["complaint"] == complaint.pk
    assert item["read_at"] is None
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_marking_read_marks_only_mine(res_client, resident, resident2, walk):
    walk(State.HANDLED)
    mine = Notification.objects.get(recipient=resident.user)
    notify(resident2.user, None, key="neighbour")
    theirs = Notification.objects.get(recipient=resident2.user)

    response = res_client.post(
        api_url("resident_notifications_read"), {"ids": [mine.pk, theirs.pk]}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    again = res_client.post(
        api_url("resident_notifications_read"), {"ids": [mine.pk]}, format="json"
    )
    assert again.json() == {"marked": 0}
    listed = res_client.get(api_url("resident_notifications")).json()["results"]
    assert listed[0]["read_at"] is not None


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"ids": ["This field is required."]}),
        ({"ids": []}, {"ids": ["This list may not be empty."]}),
        (
            {"ids": ["x", 0]},
            {
                "ids": [
                    "A valid integer is required.",
                    "Ensure this value is greater than or equal to 1.",
                ]
            },
        ),
    ],
)
def test_marking_read_needs_ids(res_client, data, errors):
    response = res_client.post(api_url("resident_notifications_read"), data, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
