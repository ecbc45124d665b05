"""Citizens' photos (and a government's logo): checked by their content, never by name or
declared type, and re-encoded. Below every app: reports and intake check report photos with it,
the organisation's branding checks the logo (decision 0131).

Two steps (docs/decisions/0010-public-map-feed.md, "Photos"): `photo_check` runs in the
citizen's request and answers everything the citizen must hear about (not an image, too
big, a bomb, truncated); the original is then kept in a private quarantine path that is
never served, and `photo_process` (orientation, resize, metadata removed, thumbnail,
perceptual hash) runs in a task after the report is committed.

Every accepted photo is decoded and written out again as a JPEG of at most
`MAX_DIMENSION` pixels a side with its orientation applied and no metadata at all (EXIF
carries the phone's GPS position, the owner's name, the device serial). A file that is not
really a JPEG, PNG, WebP or HEIC, is over `MAX_BYTES`, or declares more than `MAX_PIXELS` pixels
(a decompression bomb: a few kilobytes that expand to gigabytes) is refused before any
pixel is decoded.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from warga.errors import FieldError

# iPhones save HEIC by default. pillow-heif registers the format with Pillow and applies the
# HEIF orientation itself when the file is opened.
pillow_heif.register_heif_opener()
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
MAX_PHOTOS = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_DIMENSION = 2048
JPEG_QUALITY = 85
THUMBNAIL_DIMENSION = 320


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    width: int
    height: int
    original_format: str
    sha256: str
    # 64-bit difference hash, for spotting the same picture submitted twice (proof reuse).
    perceptual_hash: str


def _difference_hash(image: Image.Image) -> str:
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()
    bits = 0
    for row in range(8):
        for column in range(8):
            left, right = pixels[row * 9 + column], pixels[row * 9 + column + 1]
            bits = (bits << 1) | (1 if left > right else 0)
    return f"{bits:016x}"


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


@dataclass(frozen=True)
class _Decoded:
    image: Image.Image
    original_format: str
    # As declared in the header, before orientation or any reduced decoding.
    width: int
    height: int


class _Broken(Exception):
    """The file's structure does not hold together (truncated, corrupt, or lying about its size)."""


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Inflated in steps of this size and thrown away: the PNG check never holds a picture.
_INFLATE_STEP = 1024 * 1024
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _png_stream_check(data: bytes) -> None:
    """Every chunk's CRC, and the whole compressed picture inflated in 1 MB steps that are
    thrown away: truncated or corrupt data is found with a few MB of memory, whatever the
    picture's size. Inflating to more than the header allows (a zlib bomb) is refused."""
    if not data.startswith(_PNG_SIGNATURE):
        raise _Broken
    position = len(_PNG_SIGNATURE)
    inflater = zlib.decompressobj()
    inflated = 0
    allowed: int | None = None
    while True:
        if position + 8 > len(data):
            raise _Broken
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        start, end = position + 8, position + 8 + length
        if end + 4 > len(data):
            raise _Broken
        chunk = data[start:end]
        if zlib.crc32(kind + chunk) != struct.unpack(">I", data[end : end + 4])[0]:
            raise _Broken
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            row = (width * _PNG_CHANNELS.get(color, 4) * depth + 7) // 8
            # Interlacing adds at most one filter byte per row of each of the 7 passes.
            allowed = height * (row + 1) + 7 * (height + 7)
        elif kind == b"IDAT":
            if allowed is None:
                raise _Broken
            pending = chunk
            while pending:
                inflated += len(inflater.decompress(pending, _INFLATE_STEP))
                pending = inflater.unconsumed_tail
                if inflated > allowed:
                    raise _Broken
        elif kind == b"IEND":
            break
        position = end + 4
    while not inflater.eof and inflated <= (allowed or 0):
        step = inflater.decompress(b"", _INFLATE_STEP)
        if not step:
            break
        inflated += len(step)
    if not inflater.eof or allowed is None or inflated > allowed:
        raise _Broken


def _webp_stream_check(data: bytes) -> None:
    """The RIFF container accounts for every byte and holds a picture chunk (a truncated file
    fails here). The pixels are decoded by the task."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise _Broken
    if struct.unpack("<I", data[4:8])[0] + 8 != len(data):
        raise _Broken
    position, kinds = 12, set()
    while position < len(data):
        if position + 8 > len(data):
            raise _Broken
        kind, length = struct.unpack("<4sI", data[position : position + 8])
        position += 8 + length + (length & 1)
        if position > len(data):
            raise _Broken
        kinds.add(kind)
    if not kinds & {b"VP8 ", b"VP8L", b"ANMF"}:
        raise _Broken


def _heif_stream_check(data: bytes) -> None:
    """The top-level boxes account for every byte (a truncated file fails here); libheif
    parses them, and the embedded thumbnail (phones write one) is decoded as a sample. The
    full picture is decoded by the task."""
    position = 0
    while position < len(data):
        if position + 8 > len(data):
            raise _Broken
        size = struct.unpack(">I", data[position : position + 4])[0]
        if size == 1:  # a 64-bit size follows the box type
            if position + 16 > len(data):
                raise _Broken
            size = struct.unpack(">Q", data[position + 8 : position + 16])[0]
        elif size == 0:  # the box runs to the end of the file
            size = len(data) - position
        if size < 8 or position + size > len(data):
            raise _Broken
        position += size
    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        primary = heif[heif.primary_index]
        if primary.info.get("thumbnails"):
            primary.get_thumbnail(0).data  # noqa: B018 -- decodes the small picture
    except (ValueError, RuntimeError, OSError, IndexError) as error:
        raise _Broken from error


_STREAM_CHECKS = {"PNG": _png_stream_check, "WEBP": _webp_stream_check, "HEIF": _heif_stream_check}


def _decode(*, data: bytes, position: int, reduced: bool) -> _Decoded | FieldError:
    """The checks every photo passes: size, type by content, declared pixels, Pillow's bomb
    guard, and one full pass over the compressed data (so truncated data is refused).

    With `reduced` (the citizen's request) no full-size picture is ever built: JPEGs are
    decoded at 1/8 scale (libjpeg's draft mode still reads every byte but builds a picture 64
    times smaller); a PNG's compressed stream is inflated in small steps and thrown away; a
    WebP's container and a HEIC's boxes are checked whole. A 40-megapixel PNG would otherwise
    take 160 MB in the request. The task decodes every picture in full and rejects what fails."""
    label = f"Foto ke-{position}"
    if len(data) > MAX_BYTES:
        return FieldError(
            "too_large",
            f"{label} lebih besar dari {MAX_BYTES // 1024 // 1024} MB. Kecilkan ukurannya atau pilih foto lain.",
        )
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; here any bomb is an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    return FieldError(
                        "too_many_pixels",
                        f"{label} berukuran {width} x {height} piksel; batasnya {MAX_PIXELS // 1_000_000} juta piksel.",
                    )
                original_format = str(opened.format)
                if reduced and original_format in _STREAM_CHECKS:
                    _STREAM_CHECKS[original_format](data)
                    return _Decoded(opened, original_format, width, height)
                if reduced and original_format == "JPEG":
                    opened.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                opened.load()
                return _Decoded(opened, original_format, width, height)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fires while reading the header, before the size is known to us.
        return FieldError(
            "too_many_pixels", f"{label} terlalu besar: lebih dari {MAX_PIXELS // 1_000_000} juta piksel."
        )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, _Broken, struct.error):
        # Not an image of an accepted type, or truncated/corrupt data past a valid header.
        return FieldError("not_an_image", f"{label} bukan gambar JPEG, PNG, WebP atau HEIC yang utuh.")


def photo_process(*, data: bytes, position: int) -> ProcessedPhoto | FieldError:
    """Check one photo's content and re-encode it clean; a FieldError says why it was refused."""
    decoded = _decode(data=data, position=position, reduced=False)
    if isinstance(decoded, FieldError):
        return decoded
    image = _flatten(ImageOps.exif_transpose(decoded.image))
    image.thumbnail((MAX_DIMENSION, MAX_DIMENSION), Image.Resampling.LANCZOS)
    image.info.clear()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=b"")
    content = out.getvalue()
    return ProcessedPhoto(
        content=content,
        width=image.width,
        height=image.height,
        original_format=decoded.original_format,
        sha256=hashlib.sha256(content).hexdigest(),
        perceptual_hash=_difference_hash(image),
    )


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo that passed the checks in the request, still as the citizen sent it (with its
    metadata): stored only in quarantine until `photo_process` has made it clean."""

    content: bytes
    # As declared in the header, before the orientation is applied.
    width: int
    height: int
    original_format: str
    # Of the original bytes: what idempotency compares.
    sha256: str
    # Computed by the task from the clean picture.
    perceptual_hash: str = ""


def photo_check(*, data: bytes, position: int) -> CheckedPhoto | FieldError:
    """The checks a citizen must hear about while still submitting, without the heavy work:
    those of `photo_process`, with JPEGs decoded at 1/8 scale to keep phone photos cheap."""
    decoded = _decode(data=data, position=position, reduced=True)
    if isinstance(decoded, FieldError):
        return decoded
    return CheckedPhoto(
        content=data,
        width=decoded.width,
        height=decoded.height,
        original_format=decoded.original_format,
        sha256=hashlib.sha256(data).hexdigest(),
    )


_Photo = TypeVar("_Photo", CheckedPhoto, ProcessedPhoto)


def _photos_each(
    files: Sequence[Readable], one: Callable[..., _Photo | FieldError]
) -> tuple[list[_Photo], list[FieldError]]:
    """`one` (photo_check or photo_process) on every photo of one submission, in order; every
    problem is reported, not just the first."""
    if len(files) > MAX_PHOTOS:
        return [], [FieldError("too_many", f"Paling banyak {MAX_PHOTOS} foto per laporan (dikirim {len(files)}).")]
    photos: list[_Photo] = []
    errors: list[FieldError] = []
    for position, file in enumerate(files, start=1):
        # Read one byte past the limit: a declared size is never trusted.
        outcome = one(data=file.read(MAX_BYTES + 1), position=position)
        if isinstance(outcome, FieldError):
            errors.append(outcome)
        else:
            photos.append(outcome)
    return photos, errors


def photos_check(*, files: Sequence[Readable]) -> tuple[list[CheckedPhoto], list[FieldError]]:
    """All photos of one submission, checked in the request; every problem is reported."""
    return _photos_each(files, photo_check)


def photo_thumbnail(*, content: bytes) -> bytes:
    """A small JPEG of an already clean photo, for lists and maps."""
    with Image.open(io.BytesIO(content), formats=("JPEG",)) as opened:
        opened.draft("RGB", (THUMBNAIL_DIMENSION, THUMBNAIL_DIMENSION))
        image = opened.convert("RGB")
    image.thumbnail((THUMBNAIL_DIMENSION, THUMBNAIL_DIMENSION), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def photos_process(*, files: Sequence[Readable]) -> tuple[list[ProcessedPhoto], list[FieldError]]:
    """All photos of one submission, made clean; every problem is reported, not just the first."""
    return _photos_each(files, photo_process)
