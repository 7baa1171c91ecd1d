"""Photo intake: decode by content, enforce limits, strip metadata, re-encode, thumbnail."""

import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from complaints.exceptions import InvalidInput

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_PHOTOS_PER_COMPLAINT = 9
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
STORED_MAX_SIDE = 2560
THUMBNAIL_SIDE = 320


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    original_name: str


def _encode(image: Image.Image, icc_profile: bytes | None) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True, icc_profile=icc_profile)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def photo_process(upload: UploadedFile) -> ProcessedPhoto:
    """Return a clean JPEG and thumbnail, or raise InvalidInput naming the file and why."""
    name = upload.name or _("photo")
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise InvalidInput(
            _("%(name)s is larger than %(limit)d MB.") % {"name": name, "limit": 10},
            field="photos",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source = Image.open(upload, formats=ACCEPTED_FORMATS)
            if source.width * source.height > MAX_PHOTO_PIXELS:
                raise InvalidInput(
                    _("%(name)s has more than %(limit)d megapixels.") % {"name": name, "limit": 40},
                    field="photos",
                )
            source.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InvalidInput(
            _("%(name)s is not a safe image (too many pixels).") % {"name": name}, field="photos"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput(
            _("%(name)s is not a JPEG, PNG, WebP or HEIC picture, or it is damaged.")
            % {"name": name},
            field="photos",
        ) from None
    icc_profile = source.info.get("icc_profile")
    # exif_transpose keeps the orientation; the re-encode below drops every EXIF tag, GPS included.
    image = ImageOps.exif_transpose(source)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return ProcessedPhoto(
        image=_encode(image, icc_profile),
        thumbnail=_encode(thumbnail, icc_profile),
        original_name=name[:200],
    )
