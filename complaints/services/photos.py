"""Photos stored with a step of a complaint; every upload is checked before any is written."""

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from complaints.exceptions import InvalidInput
from complaints.models import Complaint, Photo
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT, photo_process


def photos_add(
    complaint: Complaint, uploads: dict[str, Sequence[UploadedFile]], *, actor
) -> list[Photo]:
    """Store photos by step. Every upload is checked before any file is written, so a
    refused request leaves nothing in storage."""
    count = sum(len(files) for files in uploads.values())
    if not count:
        return []
    if complaint.photos.count() + count > MAX_PHOTOS_PER_COMPLAINT:
        raise InvalidInput(
            _("A complaint can have at most %(limit)d photos.")
            % {"limit": MAX_PHOTOS_PER_COMPLAINT},
            field="photos",
        )
    processed = [
        (step, photo_process(upload)) for step, files in uploads.items() for upload in files
    ]
    photos = []
    for step, item in processed:
        photo = Photo(
            complaint=complaint, step=step, uploaded_by=actor, original_name=item.original_name
        )
        photo.image.save(item.image.name, item.image, save=False)
        photo.thumbnail.save(item.thumbnail.name, item.thumbnail, save=False)
        photo.save()
        photos.append(photo)
    return photos
