"""CPU time of the resident's photo intake (issue 15): `complaints.photos.photo_process`
on one 12-megapixel phone photo, the way a filing runs it (decode by content, limits,
orientation, strip, re-encode, thumbnail); no storage, no database.

    .venv/bin/python bench/photos.py            # median of 15
    .venv/bin/python bench/photos.py --runs 31 --photo path/to/IMG_0001.jpg

The photo is made once in memory, unless --photo names one: 4032 x 3024 (an ordinary
phone camera), textured so that it compresses like a photo (about 2.2 MB at quality 88),
with EXIF orientation 6 (held upright: turned 90° on display) and a GPS position.
The figure is `time.process_time()` around one call (this process's CPU, so other work
on the machine does not count), median and p95 of --runs after one warm-up call.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (4032, 3024)
ORIENTATION = 0x0112
GPS_IFD = 0x8825


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="CPU time of photo_process per 12 MP photo.")
    parser.add_argument("--runs", type=int, default=15, help="timed calls (15)")
    parser.add_argument("--photo", type=Path, help="a JPEG/PNG/WebP/HEIC file instead")
    return parser.parse_args(argv)


def phone_photo() -> bytes:
    """A 4032 x 3024 JPEG that costs what a phone photo costs to decode: smooth regions,
    edges and fine grain, EXIF orientation 6 and a GPS position."""
    from PIL import Image

    width, height = SIZE
    coarse = Image.effect_noise((width // 8, height // 8), 50).resize(SIZE, Image.BICUBIC)
    gradient = Image.linear_gradient("L").resize(SIZE)
    fractal = Image.effect_mandelbrot(SIZE, (-2.0, -1.2, 1.0, 1.2), 60)
    grain = Image.effect_noise(SIZE, 25)
    bands = [Image.blend(band, grain, 0.05) for band in (coarse, gradient, fractal)]
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (31.0, 14.0, 9.0), 3: "E", 4: (121.0, 28.0, 1.0)}
    buffer = io.BytesIO()
    Image.merge("RGB", bands).save(buffer, format="JPEG", quality=88, exif=exif.tobytes())
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propertydesk.settings.dev")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from complaints.photos import photo_process

    content = args.photo.read_bytes() if args.photo else phone_photo()
    name = args.photo.name if args.photo else "IMG_0001.JPG"
    source = Image.open(io.BytesIO(content))
    print(f"photo: {source.format} {source.width} x {source.height}, {len(content):,} bytes")

    def once() -> tuple[float, object]:
        upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
        start = time.process_time()
        result = photo_process(upload)
        return time.process_time() - start, result

    once()
    times = []
    for _ in range(args.runs):
        seconds, result = once()
        times.append(seconds * 1000)
    stored = Image.open(io.BytesIO(result.image.read()))
    thumbnail = Image.open(io.BytesIO(result.thumbnail.read()))
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"stored: {stored.width} x {stored.height}, {result.image.size:,} bytes; "
        f"thumbnail: {thumbnail.width} x {thumbnail.height}, {result.thumbnail.size:,} bytes"
    )
    print(
        f"photo_process CPU per photo: median {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, min {times[0]:.1f} ms ({args.runs} runs)"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
