"""Filing a complaint in the portal: places, categories, the promise, photos and the
hourly limit. Bad input is refused next to its field, the rest of the form is kept and
nothing is half-saved."""

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.db.transaction import TransactionManagementError
from django.test import Client
from django.urls import reverse
from factories import (
    BuildingFactory,
    CategoryFactory,
    ComplaintFactory,
    UnitFactory,
    image_bytes,
    image_upload,
    png_decompression_bomb,
)
from helpers import transactions_open_while_photos_processed
from PIL import ExifTags, Image

from complaints.models import Category, Channel, Complaint, Photo, Transition
from complaints.services.filing_limit import submission_allowed


def new_url() -> str:
    """The form's URL in the active language (English in tests)."""
    return reverse("portal:complaint_new")


def only_complaint() -> Complaint:
    (complaint,) = Complaint.objects.all()
    return complaint


def assert_nothing_saved(media_root) -> None:
    assert Complaint.objects.count() == 0
    assert Photo.objects.count() == 0
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_form_offers_my_homes_and_common_areas_only(
    resident_client, resident, unit, building, prop, other_building
):
    """The place list holds the resident's unit, its building and its estate, nothing else."""
    neighbour_unit = UnitFactory(building=building, number="1102")
    response = resident_client.get(new_url())
    assert response.status_code == 200
    place = response.context["form"].fields["place"]
    values = {value for _group, options in place.choices[1:] for value, _label in options}
    assert values == {f"unit:{unit.pk}", f"building:{building.pk}", f"property:{prop.pk}"}
    assert f"unit:{neighbour_unit.pk}" not in values
    content = response.content.decode()
    assert 'accept="image/*"' in content
    assert "multiple" in content
    assert 'enctype="multipart/form-data"' in content


def test_form_lists_categories_in_the_residents_language(resident_client):
    """Categories are grouped in plain words of the page's language; choosing is optional."""
    content = resident_client.get(new_url()).content.decode()
    assert "Not sure — let the staff decide" in content
    assert '<optgroup label="Facilities &amp; equipment">' in content
    assert "Leaks &amp; pipes" in content


def test_resident_files_a_complaint_about_their_unit(
    resident_client, resident, unit, complaint_form
):
    """A valid complaint is filed on the web channel for the resident's own unit, and the
    resident lands on the confirmation page."""
    response = resident_client.post(new_url(), complaint_form())
    complaint = only_complaint()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:complaint_submitted", args=[complaint.pk])
    assert complaint.channel == Channel.WEB
    assert complaint.resident == resident
    assert complaint.unit == unit
    assert complaint.location_text == "Kitchen"
    assert complaint.preferred_contact_time == "After 18:00"
    assert complaint.category is None
    assert complaint.history.latest().transition == Transition.CREATE


def test_confirmation_page_shows_the_reference_and_the_level_two_promise(
    resident_client, complaint_form
):
    """Without a category the promise is level II's: a response within 2 hours."""
    response = resident_client.post(new_url(), complaint_form(), follow=True)
    complaint = only_complaint()
    content = response.content.decode()
    assert complaint.reference in content
    assert "We will respond within 2 hours." in content
    assert "We aim to resolve it within 24 hours." in content


def test_common_area_of_the_building(resident_client, building, complaint_form):
    """A common area of the resident's building is filed without a unit."""
    resident_client.post(new_url(), complaint_form(place=f"building:{building.pk}"))
    complaint = only_complaint()
    assert complaint.unit is None
    assert complaint.building == building


def test_common_area_of_the_estate(resident_client, prop, complaint_form):
    """A common area of the whole estate is filed with the property only."""
    resident_client.post(new_url(), complaint_form(place=f"property:{prop.pk}"))
    complaint = only_complaint()
    assert (complaint.property, complaint.building, complaint.unit) == (prop, None, None)


def test_chosen_category_is_kept_and_sets_the_promise(resident_client, complaint_form):
    """A chosen level-I category (fire safety) is stored and promises level I's windows."""
    fire = Category.objects.get(code="fire-safety")
    response = resident_client.post(new_url(), complaint_form(category=str(fire.pk)), follow=True)
    complaint = only_complaint()
    assert complaint.category == fire
    content = response.content.decode()
    assert "We will respond within 15 minutes." in content
    assert "Someone will be on site within 30 minutes." in content
    assert "We aim to resolve it within 2 hours." in content


def test_suggestion_promises_a_written_reply(resident_client, complaint_form):
    """A suggestion (level III) promises contact within 24 hours and a written reply."""
    suggestion = Category.objects.get(code="suggestion")
    response = resident_client.post(
        new_url(), complaint_form(category=str(suggestion.pk)), follow=True
    )
    content = response.content.decode()
    assert "We will respond within 24 hours." in content
    assert "You will get a written reply within 5 working days." in content


def test_emergency_words_promise_level_one(resident_client, complaint_form):
    """A description with an emergency phrase gets level I's promise at once."""
    response = resident_client.post(
        new_url(), complaint_form(description="Someone is trapped in the elevator!"), follow=True
    )
    assert only_complaint().suspected_emergency
    assert "We will respond within 15 minutes." in response.content.decode()


def test_inactive_category_is_refused(resident_client, complaint_form):
    """A category taken out of use cannot be chosen."""
    old = CategoryFactory(is_active=False)
    response = resident_client.post(new_url(), complaint_form(category=str(old.pk)))
    assert response.status_code == 200
    assert response.context["form"].errors["category"] == ["Choose a kind from the list."]
    assert Complaint.objects.count() == 0


def test_another_unit_is_refused_next_to_the_place(
    resident_client, building, complaint_form, media_root
):
    """A neighbour's unit in the form is refused with an error on the place field, the
    rest of the input is kept and nothing is saved."""
    neighbour_unit = UnitFactory(building=building, number="1102")
    response = resident_client.post(new_url(), complaint_form(place=f"unit:{neighbour_unit.pk}"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["place"] == ["Choose one of your own homes or a common area where you live."]
    content = response.content.decode()
    assert "The kitchen tap drips all night." in content
    assert 'value="Kitchen"' in content
    assert_nothing_saved(media_root)


def test_building_of_another_property_is_refused(
    resident_client, other_building, complaint_form, media_root
):
    """A common area where the resident does not live is refused on the place field."""
    response = resident_client.post(
        new_url(), complaint_form(place=f"building:{other_building.pk}")
    )
    assert "place" in response.context["form"].errors
    assert_nothing_saved(media_root)


def test_missing_description_is_refused_and_the_rest_kept(
    resident_client, complaint_form, media_root
):
    """An empty description gets "This field is required." next to it; the other values
    stay in the form."""
    response = resident_client.post(new_url(), complaint_form(description="  "))
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == ["This field is required."]
    assert 'value="After 18:00"' in response.content.decode()
    assert_nothing_saved(media_root)


def test_missing_place_is_refused(resident_client, complaint_form):
    """The place must be chosen."""
    response = resident_client.post(new_url(), complaint_form(place=""))
    assert response.context["form"].errors["place"] == ["This field is required."]


def test_photos_are_stored_clean_with_thumbnails(resident_client, complaint_form):
    """Several photos of different kinds are stored as re-encoded JPEGs with thumbnails,
    under random names, with the original names remembered."""
    photos = [
        image_upload("kitchen.jpg"),
        image_upload("tap.png", image_bytes("PNG", size=(30, 30))),
        image_upload("floor.webp", image_bytes("WEBP", size=(40, 20))),
    ]
    resident_client.post(new_url(), {**complaint_form(), "photos": photos})
    complaint = only_complaint()
    stored = list(complaint.photos.order_by("pk"))
    assert [photo.original_name for photo in stored] == ["kitchen.jpg", "tap.png", "floor.webp"]
    for photo in stored:
        assert photo.step == Photo.Step.EVIDENCE
        assert photo.image.name.endswith(".jpg")
        assert "kitchen" not in photo.image.name
        with Image.open(photo.image.path) as image, Image.open(photo.thumbnail.path) as thumb:
            assert image.format == thumb.format == "JPEG"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_photos_are_processed_before_the_filing_transaction_opens(
    resident_client, complaint_form, monkeypatch
):
    """Re-encoding a phone photo costs tens of milliseconds of CPU; inside the filing's
    transaction it held SQLite's write lock, and every other filing, login and job of the
    site waited for it. The photos are processed first and stored inside the transaction."""
    processed_in_transaction = transactions_open_while_photos_processed(monkeypatch)
    photos = [image_upload("kitchen.jpg"), image_upload("tap.jpg")]

    response = resident_client.post(new_url(), {**complaint_form(), "photos": photos})

    assert response.status_code == 302
    assert processed_in_transaction == [False, False]
    assert only_complaint().photos.count() == 2


def test_exif_and_gps_are_removed_and_the_orientation_kept(resident_client, complaint_form):
    """A phone photo turned by its EXIF orientation is stored upright, with no EXIF (GPS
    included) left."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was held sideways: turn 90° clockwise
    exif[ExifTags.Base.Make] = "PhoneCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 5.0)
    content = image_bytes("JPEG", size=(40, 20), exif=exif)
    with Image.open(SimpleUploadedFile("x.jpg", content)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    resident_client.post(
        new_url(), {**complaint_form(), "photos": [image_upload("gps.jpg", content)]}
    )
    photo = only_complaint().photos.get()
    with Image.open(photo.image.path) as stored:
        assert stored.size == (20, 40)
        assert not stored.getexif()
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "exif" not in stored.info
    assert (photo.width, photo.height) == (20, 40)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("scan.jpg", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", "is not a JPEG, PNG, WebP"),
        ("notes.jpg", b"just some text, not a picture", "is not a JPEG, PNG, WebP or HEIC"),
        ("anim.gif", image_bytes("GIF"), "is not a JPEG, PNG, WebP or HEIC"),
        ("shot.bmp", image_bytes("BMP"), "is not a JPEG, PNG, WebP or HEIC"),
        ("cut.jpg", image_bytes("JPEG", size=(400, 300))[:600], "is not a JPEG, PNG, WebP or HEIC"),
        ("bomb.png", png_decompression_bomb(), "is not a safe image"),
    ],
)
def test_refused_photo_is_named_with_the_reason(
    resident_client, complaint_form, media_root, name, content, reason
):
    """A file that is not a safe JPEG/PNG/WebP by content is refused next to the photo
    field, naming the file; the complaint is not saved and no file is left behind."""
    photos = [image_upload("good.jpg"), image_upload(name, content)]
    response = resident_client.post(new_url(), {**complaint_form(), "photos": photos})
    assert response.status_code == 200
    (error,) = response.context["form"].errors["photos"]
    assert error.startswith(name)
    assert reason in error
    assert "The kitchen tap drips all night." in response.content.decode()
    assert b"the photos were not kept: add them again" in response.content
    assert_nothing_saved(media_root)


def test_oversize_photo_is_refused(resident_client, complaint_form, media_root):
    """A photo over 10 MB is refused, naming the file."""
    big = image_upload("huge.jpg", b"\xff\xd8" + b"\0" * (10 * 1024 * 1024))
    response = resident_client.post(new_url(), {**complaint_form(), "photos": [big]})
    assert response.context["form"].errors["photos"] == ["huge.jpg is larger than 10 MB."]
    assert_nothing_saved(media_root)


def test_too_many_pixels_are_refused(resident_client, complaint_form, media_root):
    """A picture declaring more than 40 megapixels is refused before it is decoded."""
    from factories import png_bytes_declaring

    wide = image_upload("panorama.png", png_bytes_declaring(8000, 6000))
    response = resident_client.post(new_url(), {**complaint_form(), "photos": [wide]})
    (error,) = response.context["form"].errors["photos"]
    assert error.startswith("panorama.png")
    assert_nothing_saved(media_root)


def test_more_than_nine_photos_are_refused(resident_client, complaint_form, media_root):
    """At most 9 photos per complaint."""
    photos = [image_upload(f"p{n}.jpg") for n in range(10)]
    response = resident_client.post(new_url(), {**complaint_form(), "photos": photos})
    assert response.context["form"].errors["photos"] == [
        "You can attach at most 9 photos; you chose 10."
    ]
    assert_nothing_saved(media_root)


def test_nine_photos_are_accepted(resident_client, complaint_form):
    """Exactly 9 photos are fine."""
    photos = [image_upload(f"p{n}.jpg") for n in range(9)]
    resident_client.post(new_url(), {**complaint_form(), "photos": photos})
    assert only_complaint().photos.count() == 9


def test_eleventh_complaint_in_an_hour_is_refused(resident_client, resident, complaint_form, now):
    """After 10 complaints in the last hour the next one is refused with a clear message
    (429), and the form keeps what was typed."""
    for _ in range(10):
        ComplaintFactory(resident=resident)
    response = resident_client.post(new_url(), complaint_form())
    assert response.status_code == 429
    assert "You have sent 10 complaints in the last hour." in response.content.decode()
    assert "The kitchen tap drips all night." in response.content.decode()
    assert Complaint.objects.count() == 10


def test_the_services_refusal_is_shown_like_the_limit(
    resident_client, resident, complaint_form, now, monkeypatch
):
    """The form's early check passed (another submission was still running) but the
    service, counting under its lock, refuses: the page answers 429 with the same message
    and keeps what was typed."""
    monkeypatch.setattr("complaints.portal.views.filing_limit_refusal", lambda user: None)
    for _ in range(10):
        ComplaintFactory(resident=resident)
    response = resident_client.post(new_url(), complaint_form())
    assert response.status_code == 429
    assert "You have sent 10 complaints in the last hour." in response.content.decode()
    assert "The kitchen tap drips all night." in response.content.decode()
    assert Complaint.objects.count() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_submissions_at_once_cannot_pass_the_limit_together(resident, complaint_form, now):
    """With 9 complaints in the last hour, four submissions sent at the same moment (each
    on its own connection) file exactly one complaint; the three others get 429."""
    for _ in range(9):
        ComplaintFactory(resident=resident)
    clients = [Client() for _ in range(4)]
    for client in clients:
        client.force_login(resident.user)
    barrier = threading.Barrier(len(clients), timeout=30)
    statuses: list[object] = [None] * len(clients)

    def submit(index: int) -> None:
        try:
            barrier.wait()
            statuses[index] = clients[index].post(new_url(), complaint_form()).status_code
        except Exception as error:  # inspected below
            statuses[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [302, 429, 429, 429], statuses
    assert Complaint.objects.count() == 10


# Serialized like every other transactional test: a plain flush re-runs post_migrate, and the
# next serialized test's restore then collides with the recreated rows.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_locked_count_refuses_to_run_outside_a_transaction(resident):
    """Outside a transaction the lock would end at once and protect nothing."""
    with pytest.raises(TransactionManagementError):
        submission_allowed(resident.user, lock=True)


def test_the_hourly_limit_frees_up_after_an_hour(
    resident_client, resident, complaint_form, now, time_machine
):
    """Complaints older than an hour no longer count against the limit."""
    for _ in range(10):
        ComplaintFactory(resident=resident)
    time_machine.move_to(now + timedelta(minutes=61), tick=False)
    response = resident_client.post(new_url(), complaint_form())
    assert response.status_code == 302
    assert Complaint.objects.count() == 11


def test_the_limit_is_per_resident(resident_client, resident2, complaint_form, now):
    """A neighbour's complaints do not count against this resident's limit."""
    for _ in range(10):
        ComplaintFactory(resident=resident2)
    assert resident_client.post(new_url(), complaint_form()).status_code == 302


def test_the_limit_is_a_setting(resident_client, resident, complaint_form, settings, now):
    """PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR changes the limit, read at request time."""
    settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 1
    ComplaintFactory(resident=resident)
    assert resident_client.post(new_url(), complaint_form()).status_code == 429


def test_resident_with_two_homes_chooses(resident_client, resident, complaint_form):
    """A resident with a second home in another building can file for either."""
    second = UnitFactory(building=BuildingFactory(), number="808")
    resident.residencies.create(unit=second, relation="tenant")
    resident_client.post(new_url(), complaint_form(place=f"unit:{second.pk}"))
    assert only_complaint().unit == second


def test_the_emergency_note_gives_the_propertys_duty_phone(resident_client, prop):
    """The form's emergency note says whom to call: the property's 24-hour duty phone."""
    prop.duty_phone = "0571-8888 0000"
    prop.save()

    content = resident_client.get(new_url()).content.decode()

    assert 'href="tel:0571-88880000"' in content
    assert "0571-8888 0000</a>" in content
    assert "Lakeside Garden" in content
