"""Filing a complaint through the API, as the portal's form files it: the form checks the
place (one of the resident's homes or a common area where they live), the kind and the
photos' number; the service stores it (channel "app"), checks each photo by content and
holds the hourly limit. Bad input is a 400 naming the field, with nothing half-saved."""

import pytest
from django.utils import translation
from factories import CategoryFactory, ComplaintFactory, UnitFactory, image_bytes, image_upload
from helpers import assert_history
from resident_fixtures import (  # noqa: F401
    api_client,
    api_url,
    res_app_fixture,
    res_client_fixture,
)
from rest_framework import serializers

from complaints.models import Channel, Complaint, Photo, State, Transition

PLACE_REFUSED = "Choose one of your own homes or a common area where you live."


@pytest.fixture
def form(unit):
    """`form(**changes)`: the multipart data of a valid complaint about the resident's unit."""

    def _data(**changes) -> dict:
        data = {
            "unit": unit.pk,
            "description": "The kitchen tap drips all night.",
            "location_text": "Kitchen",
            "preferred_contact_time": "After 18:00",
        }
        data.update(changes)
        return {name: value for name, value in data.items() if value is not None}

    return _data


def file(client, data):
    return client.post(api_url("resident_complaints"), data, format="multipart")


def assert_nothing_saved(media_root) -> None:
    assert Complaint.objects.count() == 0
    assert Photo.objects.count() == 0
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def refused(response, errors: dict) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == errors
    assert body["detail"] == next(iter(errors.values()))[0]


def test_resident_files_about_their_unit(res_app, resident, unit, form):
    """201 with the new complaint as the detail shows it; filed by the resident through
    the service, on the app channel, with the history's create row."""
    response = file(res_app, form())

    assert response.status_code == 201
    (complaint,) = Complaint.objects.all()
    body = response.json()
    assert body["id"] == complaint.pk
    assert body["reference"] == complaint.reference
    assert body["state"] == State.NEW
    assert body["channel"] == Channel.APP
    assert body["place"] == {"kind": "unit", "id": unit.pk, "name": str(unit)}
    assert body["location"] == f"{unit} · Kitchen"
    assert body["preferred_contact_time"] == "After 18:00"
    assert body["timeline"][0]["title"] == "Submitted"
    assert body["actions"]["withdraw"] is True
    assert complaint.resident == resident
    assert complaint.channel == Channel.APP
    assert complaint.contact_phone == resident.phone
    assert resident.phone not in response.content.decode()
    assert_history(complaint, transition=Transition.CREATE, user=resident.user)


def test_common_area_of_the_building(res_app, building, form):
    response = file(res_app, form(unit=None, building=building.pk))
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert (complaint.unit, complaint.building) == (None, building)
    assert response.json()["place"]["kind"] == "building"


def test_common_area_of_the_estate(res_app, prop, form):
    response = file(res_app, form(unit=None, property=prop.pk))
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert (complaint.unit, complaint.building, complaint.property) == (None, None, prop)


def test_the_chosen_category_is_kept(res_app, form, category):
    response = file(res_app, form(category=category.pk))
    assert response.status_code == 201
    assert response.json()["category"] == {"id": category.pk, "name": "Door bell"}


def test_emergency_words_promise_level_one(res_app, form):
    response = file(res_app, form(description="Someone is trapped in the elevator!"))
    assert Complaint.objects.get().suspected_emergency
    assert "We will respond within 15 minutes." in response.json()["promise"]


def test_photos_are_stored_clean(res_app, form):
    photos = [image_upload("a.jpg"), image_upload("b.png", image_bytes("PNG"))]
    response = file(res_app, {**form(), "photos": photos})
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.photos.count() == 2
    assert {item["step"] for item in response.json()["timeline"][0]["photos"]} == {"evidence"}


def test_nine_photos_are_accepted(res_app, form):
    photos = [image_upload(f"p{n}.jpg") for n in range(9)]
    assert file(res_app, {**form(), "photos": photos}).status_code == 201
    assert Photo.objects.count() == 9


def test_ten_photos_are_refused_by_the_portals_rule(res_app, form, media_root):
    photos = [image_upload(f"p{n}.jpg") for n in range(10)]
    refused(
        file(res_app, {**form(), "photos": photos}),
        {"photos": ["You can attach at most 9 photos; you chose 10."]},
    )
    assert_nothing_saved(media_root)


def test_a_photo_that_is_no_image_is_named_and_nothing_is_kept(res_app, form, media_root):
    """The service's content check: the second file is refused by name, the first is not
    kept either."""
    photos = [image_upload("good.jpg"), image_upload("notes.jpg", b"plain text, not a JPEG")]
    response = file(res_app, {**form(), "photos": photos})
    assert response.status_code == 400
    (error,) = response.json()["errors"]["photos"]
    assert error.startswith("notes.jpg")
    assert "is not a JPEG, PNG, WebP or HEIC" in error
    assert_nothing_saved(media_root)


def test_photos_sent_as_text_are_refused(res_app, form, media_root):
    response = file(res_app, {**form(), "photos": "not a file"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["photos"]
    assert_nothing_saved(media_root)


def test_a_neighbours_unit_is_refused_on_the_unit(res_app, building, form, media_root):
    neighbour_unit = UnitFactory(building=building, number="1102")
    refused(file(res_app, form(unit=neighbour_unit.pk)), {"unit": [PLACE_REFUSED]})
    assert_nothing_saved(media_root)


def test_a_building_where_i_do_not_live_is_refused(res_app, other_building, form, media_root):
    refused(
        file(res_app, form(unit=None, building=other_building.pk)), {"building": [PLACE_REFUSED]}
    )
    assert_nothing_saved(media_root)


def test_an_unknown_property_is_refused(res_app, form, media_root):
    refused(file(res_app, form(unit=None, property=987654)), {"property": [PLACE_REFUSED]})
    assert_nothing_saved(media_root)


def test_no_place_is_refused(res_app, form):
    refused(file(res_app, form(unit=None)), {"unit": ["Choose a unit, a building or a property."]})


def test_two_places_are_refused(res_app, building, form):
    refused(
        file(res_app, form(building=building.pk)),
        {"building": ["Give one place: a unit, a building or a property."]},
    )
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("description", [None, "", "   "])
def test_a_missing_description_is_refused(res_app, form, description):
    """Missing or blank: the portal form's "required", nothing saved."""
    refused(
        file(res_app, form(description=description)), {"description": ["This field is required."]}
    )
    assert Complaint.objects.count() == 0


def test_a_description_too_long_is_refused(res_app, form):
    response = file(res_app, form(description="x" * 2001))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["description"]


def test_an_inactive_category_is_refused(res_app, form):
    old = CategoryFactory(is_active=False)
    refused(file(res_app, form(category=old.pk)), {"category": ["Choose a kind from the list."]})


def test_a_unit_that_is_no_number_is_refused(res_app, form):
    refused(file(res_app, form(unit="abc")), {"unit": ["A valid integer is required."]})


def test_json_is_not_taken_for_filing(res_app, form):
    """Filing is multipart (photos are files); JSON is refused with 415."""
    response = res_app.post(api_url("resident_complaints"), form(), format="json")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_errors_speak_chinese_when_asked(resident, form):
    client = api_client(resident.user, token=True, language="zh-hans")
    response = file(client, form(description=None))
    with translation.override("zh-hans"):
        required = str(serializers.Field.default_error_messages["required"])
    assert required != "This field is required."
    assert response.json()["errors"] == {"description": [required]}


# --- The hourly limit ----------------------------------------------------------------------


def test_the_eleventh_complaint_in_an_hour_is_429(res_app, resident, form, now):
    for _ in range(10):
        ComplaintFactory(resident=resident)
    response = file(res_app, form())
    assert response.status_code == 429
    assert response.json() == {
        "code": "filing_limit",
        "detail": "You have sent 10 complaints in the last hour. Please wait a while before "
        "sending another, or call the property office if it is urgent.",
    }
    assert Complaint.objects.count() == 10


def test_over_the_limit_the_input_is_not_even_checked(res_app, resident, form, now):
    """As the portal: an over-limit request is answered 429 before its input."""
    for _ in range(10):
        ComplaintFactory(resident=resident)
    assert file(res_app, form(unit=None, description=None)).status_code == 429


def test_the_services_own_count_refuses_too(res_app, resident, form, now, monkeypatch):
    """The early check passed (another submission was still running): the service,
    counting under its lock, refuses with the same 429."""
    monkeypatch.setattr(
        "complaints.api.residents.complaints.filing_limit_refusal", lambda user: None
    )
    for _ in range(10):
        ComplaintFactory(resident=resident)
    response = file(res_app, form())
    assert response.status_code == 429
    assert response.json()["code"] == "filing_limit"
    assert Complaint.objects.count() == 10


def test_the_limit_speaks_chinese(resident, form, now, settings):
    settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 1
    ComplaintFactory(resident=resident)
    client = api_client(resident.user, token=True, language="zh-hans")
    response = file(client, form())
    assert response.status_code == 429
    assert response.json()["detail"] == (
        "您在过去一小时内已提交 1 条投诉。请稍后再提交；如有紧急情况，请致电物业服务中心。"
    )


def test_the_limit_counts_portal_and_app_together(res_app, resident, form, now, settings):
    """One limit per resident, whichever interface files."""
    settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 2
    ComplaintFactory(resident=resident, channel=Channel.WEB)
    assert file(res_app, form()).status_code == 201
    assert file(res_app, form()).status_code == 429
