"""Photo intake (decoded by content, limited, stripped, re-encoded) and the
permission-checked photo view (SPEC §7)."""

import io
import os
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from factories import (
    ComplaintFactory,
    image_bytes,
    image_upload,
    png_bytes_declaring,
    png_decompression_bomb,
)
from PIL import Image

from complaints.exceptions import InvalidInput
from complaints.models import Complaint
from complaints.photos import MAX_PHOTO_BYTES, photo_orphans_delete, photo_process

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def decoded(content_file) -> Image.Image:
    content_file.seek(0)
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


# --- photo_process -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_jpeg_png_webp_and_heic_become_clean_jpegs(fmt):
    """JPEG, PNG, WebP and HEIC (iPhone) are accepted whatever the file is called, and
    come out as JPEG with a thumbnail, keeping the original name."""
    result = photo_process(image_upload("IMG_0001.upload", fmt=fmt, size=(40, 30)))

    image = decoded(result.image)
    assert image.format == "JPEG"
    assert image.size == (40, 30)
    assert decoded(result.thumbnail).format == "JPEG"
    assert result.original_name == "IMG_0001.upload"


def test_transparent_png_is_flattened_to_rgb():
    """An RGBA PNG is converted so it can be stored as JPEG."""
    result = photo_process(image_upload("logo.png", fmt="PNG", mode="RGBA", color=(0, 0, 0, 0)))

    assert decoded(result.image).mode == "RGB"


def test_large_photo_is_scaled_down_and_thumbnailed():
    """Stored photos are at most 2560 px on the long side; thumbnails at most 320 px."""
    result = photo_process(image_upload("big.jpg", size=(3000, 1500)))

    assert decoded(result.image).size == (2560, 1280)
    assert decoded(result.thumbnail).size == (320, 160)


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("notes.jpg", b"This is a shopping list, not a picture.\n" * 10, "text renamed .jpg"),
        ("cut.jpg", image_bytes("JPEG", (200, 200), color="blue")[:400], "truncated JPEG"),
        ("anim.gif", image_bytes("GIF", (20, 10), mode="P", color=1), "GIF"),
        ("empty.jpg", b"", "empty file"),
    ],
    ids=["text-renamed-jpg", "truncated-jpeg", "gif", "empty"],
)
def test_files_that_are_not_accepted_pictures_are_refused(name, content, why):
    """Content decides, not the name: non-images, damaged JPEGs and GIFs are refused with a
    message naming the file."""
    with pytest.raises(InvalidInput) as excinfo:
        photo_process(SimpleUploadedFile(name, content, content_type="image/jpeg"))

    assert excinfo.value.field == "photos"
    assert name in excinfo.value.message


def test_file_over_10_mb_is_refused():
    """More than 10 MB is refused before it is decoded."""
    upload = SimpleUploadedFile("huge.jpg", b"\xff" * (MAX_PHOTO_BYTES + 1))

    with pytest.raises(InvalidInput) as excinfo:
        photo_process(upload)

    assert "10 MB" in excinfo.value.message


def test_more_than_40_megapixels_is_refused():
    """An 8000 x 6000 picture (48 MP) is refused by the pixel limit."""
    upload = SimpleUploadedFile("panorama.png", png_bytes_declaring(8000, 6000))

    with pytest.raises(InvalidInput) as excinfo:
        photo_process(upload)

    assert "40 megapixels" in excinfo.value.message


def test_decompression_bomb_is_refused():
    """A few hundred KB that decode to 100 megapixels is refused as unsafe."""
    upload = SimpleUploadedFile("bomb.png", png_decompression_bomb(10_000))
    assert upload.size < 1024 * 1024

    with pytest.raises(InvalidInput) as excinfo:
        photo_process(upload)

    assert "not a safe image" in excinfo.value.message


def test_huge_declared_size_is_refused_without_decoding():
    """A header claiming 20000 x 20000 pixels is refused at once."""
    upload = SimpleUploadedFile("liar.png", png_bytes_declaring(20_000, 20_000))

    with pytest.raises(InvalidInput):
        photo_process(upload)


def test_exif_is_removed_gps_included():
    """The stored photo and thumbnail carry no EXIF at all, so no GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (31.0, 14.0, 9.0), 3: "E", 4: (121.0, 28.0, 1.0)}
    source = image_bytes("JPEG", (20, 10), exif=exif)
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS_IFD)

    result = photo_process(image_upload("gps.jpg", content=source))

    for stored in (result.image, result.thumbnail):
        image = decoded(stored)
        assert "exif" not in image.info
        assert not image.getexif()
        assert not image.getexif().get_ifd(GPS_IFD)


def test_exif_orientation_is_applied():
    """A 20 x 10 picture with EXIF orientation 6 (rotate 90°) comes out 10 x 20, upright."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6

    result = photo_process(image_upload("portrait.jpg", content=image_bytes(exif=exif)))

    image = decoded(result.image)
    assert image.size == (10, 20)
    assert ORIENTATION not in image.getexif()


def phone_photo(exif: Image.Exif) -> bytes:
    """A 4032 x 3024 (12 MP) JPEG as a phone held upright stores it: blue, with a red
    block in the top-left corner of the sensor's picture."""
    image = Image.new("RGB", (4032, 3024), "blue")
    image.paste("red", (0, 0, 1008, 756))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def colour_at(image: Image.Image, x: float, y: float) -> str:
    r, g, b = image.convert("RGB").getpixel((int(x * image.width), int(y * image.height)))
    return "red" if r > 200 and b < 60 else "blue" if b > 200 and r < 60 else f"{r},{g},{b}"


def test_rotated_12_megapixel_phone_photo_comes_out_upright_reduced_and_stripped():
    """A 12 MP photo with EXIF orientation 6 (turned 90° clockwise on display) is decoded
    at half scale: stored 1512 x 2016 and thumbnailed 240 x 320, both upright (the
    sensor's top-left corner is now the top-right) and without EXIF or GPS."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (31.0, 14.0, 9.0), 3: "E", 4: (121.0, 28.0, 1.0)}

    result = photo_process(image_upload("IMG_0042.JPG", content=phone_photo(exif)))

    for stored, size in ((result.image, (1512, 2016)), (result.thumbnail, (240, 320))):
        image = decoded(stored)
        assert image.format == "JPEG"
        assert image.size == size
        assert colour_at(image, 0.9, 0.1) == "red"
        assert colour_at(image, 0.1, 0.1) == "blue"
        assert colour_at(image, 0.9, 0.9) == "blue"
        assert not image.getexif()
        assert not image.getexif().get_ifd(GPS_IFD)


def test_12_megapixel_photo_without_orientation_keeps_its_landscape():
    """Without an orientation tag the same photo stays landscape, red block top-left."""
    result = photo_process(image_upload("IMG_0043.JPG", content=phone_photo(Image.Exif())))

    image = decoded(result.image)
    assert image.size == (2016, 1512)
    assert colour_at(image, 0.1, 0.1) == "red"
    assert colour_at(image, 0.9, 0.1) == "blue"


def test_truncated_12_megapixel_photo_is_refused():
    """A phone photo cut off halfway (an interrupted upload) is refused with the message
    naming it, although it is decoded at reduced scale."""
    content = phone_photo(Image.Exif())

    with pytest.raises(InvalidInput) as excinfo:
        photo_process(image_upload("IMG_0044.JPG", content=content[: len(content) // 2]))

    assert excinfo.value.field == "photos"
    assert excinfo.value.message == (
        "IMG_0044.JPG is not a JPEG, PNG, WebP or HEIC picture, or it is damaged."
    )


# --- the photo view ------------------------------------------------------------------------


@pytest.fixture
def photo(now, resident, unit):
    complaint = ComplaintFactory(resident=resident, photos=[image_upload("leak.jpg")])
    return complaint.photos.get()


def fetch(client, user, photo, variant="image"):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("complaints:photo", args=[photo.pk, variant]))
    if hasattr(response, "streaming_content"):
        response.content_bytes = b"".join(response.streaming_content)
        response.close()
    return response


@pytest.mark.parametrize("viewer", ["agent", "team_leader", "supervisor", "project_manager"])
@pytest.mark.parametrize("variant", ["image", "thumbnail"])
def test_staff_of_the_property_see_the_photo(request, client, photo, viewer, variant):
    """Staff of the complaint's property get the JPEG, privately cached and not sniffable."""
    response = fetch(client, request.getfixturevalue(viewer), photo, variant)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(response.content_bytes)).format == "JPEG"


def test_handler_sees_the_photos_of_their_teams_complaints_only(
    client, photo, handler, environment
):
    """A handler gets the photo once the complaint is their team's; before, a 404."""
    complaints = Complaint.objects.filter(pk=photo.complaint_id)
    assert fetch(client, handler, photo).status_code == 404

    complaints.update(team=environment, resolve_due=timezone.now())
    assert fetch(client, handler, photo).status_code == 404

    complaints.update(team=handler.staff_profile.team)
    assert fetch(client, handler, photo).status_code == 200


def test_resident_who_filed_it_sees_the_photo(client, photo, resident):
    """The resident who filed the complaint sees its photos."""
    response = fetch(client, resident.user, photo)

    assert response.status_code == 200


@pytest.mark.parametrize("viewer", ["resident2", "other_agent"])
def test_others_get_404(request, client, photo, viewer):
    """Another resident and staff of another property get 404, as if it did not exist."""
    user = request.getfixturevalue(viewer)
    user = user.user if viewer == "resident2" else user

    assert fetch(client, user, photo).status_code == 404


def test_anonymous_visitor_gets_404(client, photo):
    """Media is never public."""
    assert fetch(client, None, photo).status_code == 404


def test_unknown_variant_is_404(client, photo, agent):
    """Only "image" and "thumbnail" exist; anything else is 404 even for allowed staff."""
    assert fetch(client, agent, photo, "original").status_code == 404


def test_only_get_is_allowed(client, photo, agent):
    """The view is read-only."""
    client.force_login(agent)

    response = client.post(reverse("complaints:photo", args=[photo.pk, "image"]))

    assert response.status_code == 405


@pytest.mark.django_db
def test_files_of_a_rolled_back_request_are_deleted_once_an_hour_old(now, resident, media_root):
    """Storage is not transactional: a request that stored a photo and then failed left
    its files behind. The daily job deletes them once they are an hour old (a request
    may still be running before that) and keeps every file a photo refers to."""
    kept = ComplaintFactory(resident=resident, photos=[image_upload("kept.jpg")])
    with pytest.raises(RuntimeError), transaction.atomic():
        ComplaintFactory(resident=resident, photos=[image_upload("lost.jpg")])
        raise RuntimeError("a later step of the same request failed")

    def stored() -> list[str]:
        return sorted(p.relative_to(media_root).as_posix() for p in media_root.rglob("*.jpg"))

    for path in media_root.rglob("*.jpg"):
        os.utime(path, (now.timestamp(), now.timestamp()))
    assert len(stored()) == 4  # an image and a thumbnail each

    assert photo_orphans_delete(now=now + timedelta(minutes=30)) == 0
    assert photo_orphans_delete(now=now + timedelta(hours=2)) == 2

    photo = kept.photos.get()
    assert stored() == sorted([photo.image.name, photo.thumbnail.name])


@pytest.mark.django_db
def test_a_storage_that_cannot_list_is_left_alone(now, monkeypatch, caplog):
    """Object stores without listing: the job deletes nothing and says why, every day."""

    def cannot_list(storage, path):
        raise NotImplementedError

    monkeypatch.setattr(FileSystemStorage, "listdir", cannot_list)

    assert photo_orphans_delete(now=now) == 0
    assert "Photo storage cannot list files" in caplog.text
