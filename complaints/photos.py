"""Photo intake: decode by content, enforce limits, strip metadata, re-encode, thumbnail."""

import io
import logging
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from complaints import clock
from complaints.exceptions import InvalidInput
from complaints.models import PHOTO_FOLDERS, Photo, photo_folder

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_PHOTOS_PER_COMPLAINT = 9
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
STORED_MAX_SIDE = 2560
# A JPEG larger than this is decoded at 1/2, 1/4 or 1/8 scale (draft mode), as far as its
# long side stays at least this: a 12 MP phone photo (4032 x 3024) decodes at 2016 x 1512
# for a seventh of the CPU of a full decode and a resize to STORED_MAX_SIDE.
DRAFT_MIN_SIDE = 1920
THUMBNAIL_SIDE = 320

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    original_name: str


def _encode(image: Image.Image, icc_profile: bytes | None, *, optimize: bool) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=optimize, icc_profile=icc_profile)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _contained(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size within a side x side box, aspect kept; never enlarged."""
    ratio = min(1.0, side / max(size))
    return max(1, round(size[0] * ratio)), max(1, round(size[1] * ratio))


def _draft(source: Image.Image) -> None:
    """Ask the JPEG decoder for the smallest DCT scale whose long side is still at least
    DRAFT_MIN_SIDE (the decoder rounds the box down to 1/2, 1/4 or 1/8, or keeps it)."""
    long_side = max(source.size)
    if source.format != "JPEG" or long_side < 2 * DRAFT_MIN_SIDE:
        return
    box = tuple(max(1, side * DRAFT_MIN_SIDE // long_side) for side in source.size)
    source.draft("RGB", box)


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
            _draft(source)
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
    # Converted before shrinking: a palette picture would be shrunk by dropping pixels.
    # convert() keeps the EXIF for the turn below.
    image = source if source.mode in ("RGB", "L") else source.convert("RGB")
    # The bounding box is square, so shrinking before the turn gives the same picture, and
    # the turn then moves a fraction of the pixels.
    image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
    # exif_transpose applies the orientation to the pixels as decoded (draft scale
    # included); the re-encode below drops every EXIF tag, GPS included.
    image = ImageOps.exif_transpose(image)
    thumbnail = image.resize(
        _contained(image.size, THUMBNAIL_SIDE), Image.Resampling.BICUBIC, reducing_gap=2.0
    )
    return ProcessedPhoto(
        # Optimized Huffman tables save ~4 % of a 2 MB photo for twice its encoding time.
        image=_encode(image, icc_profile, optimize=False),
        thumbnail=_encode(thumbnail, icc_profile, optimize=True),
        original_name=name[:200],
    )


ORPHAN_GRACE = timedelta(hours=1)


def photo_orphans_delete(*, now: datetime | None = None) -> int:
    """Delete stored photo and thumbnail files that no photo refers to: what a request
    wrote before its transaction rolled back (storage is not transactional). Only this
    month's and last month's folders are looked at, and only files older than
    ORPHAN_GRACE: a transaction that stores photos must end within it. Returns the
    number deleted; a storage that cannot list its files is left alone."""
    now = (now or clock.now()).astimezone(UTC)
    deleted = 0
    for field in PHOTO_FOLDERS:
        for moment in (now, now.replace(day=1) - timedelta(days=1)):
            folder = photo_folder(field, moment)
            try:
                _folders, files = default_storage.listdir(folder)
            except FileNotFoundError:
                continue
            except NotImplementedError:
                logger.warning("Photo storage cannot list files: orphaned files stay.")
                return deleted
            kept = set(
                Photo.objects.filter(**{f"{field}__startswith": f"{folder}/"}).values_list(
                    field, flat=True
                )
            )
            for name in files:
                path = f"{folder}/{name}"
                if path in kept:
                    continue
                try:
                    if now - default_storage.get_modified_time(path) < ORPHAN_GRACE:
                        continue
                    default_storage.delete(path)
                except (FileNotFoundError, NotImplementedError):
                    continue  # gone meanwhile, or no modification times: keep it
                deleted += 1
    return deleted
