"""Photos stored with a step of a complaint: every upload is checked and re-encoded
before the service's transaction, and stored inside it."""

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from complaints.exceptions import InvalidInput
from complaints.models import Complaint, Photo
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT, ProcessedPhoto, photo_process


def photos_process(
    uploads: dict[str, Sequence[UploadedFile]],
) -> dict[str, list[ProcessedPhoto]]:
    """Check and re-encode each upload, by step (`photo_process`; InvalidInput names the
    file). The services call it before their transaction opens: a 12-megapixel photo
    costs about 50 ms of CPU, which inside the transaction held SQLite's write lock
    (IMMEDIATE transactions), and so every other filing, login and job of the site."""
    return {step: [photo_process(upload) for upload in files] for step, files in uploads.items()}


def photos_add(
    complaint: Complaint, processed: dict[str, Sequence[ProcessedPhoto]], *, actor
) -> list[Photo]:
    """Store the photos `photos_process` made, by step. Nothing is written unless all
    fit the complaint's limit, so a refused request leaves nothing in storage."""
    count = sum(len(items) for items in processed.values())
    if not count:
        return []
    if complaint.photos.count() + count > MAX_PHOTOS_PER_COMPLAINT:
        raise InvalidInput(
            _("A complaint can have at most %(limit)d photos.")
            % {"limit": MAX_PHOTOS_PER_COMPLAINT},
            field="photos",
        )
    photos = []
    for step, items in processed.items():
        for item in items:
            photo = Photo(
                complaint=complaint, step=step, uploaded_by=actor, original_name=item.original_name
            )
            photo.image.save(item.image.name, item.image, save=False)
            photo.thumbnail.save(item.thumbnail.name, item.thumbnail, save=False)
            photo.save()
            photos.append(photo)
    return photos
