"""Real image files (and hostile ones) built in memory for the photo tests."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), *, mode: str = "RGB", **save: object) -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    # A gradient, so the perceptual hash has something to see.
    for x in range(size[0]):
        image.putpixel((x, x * size[1] // size[0]), (0, 0, 0) if mode == "RGB" else (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_private_exif(size: tuple[int, int] = (64, 48), orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: 6 = the camera was turned 90 degrees
    exif[0x013B] = "Budi Santoso"  # Artist
    exif[0x010F] = "PonselMerek"  # Make
    return image_bytes("JPEG", size, exif=exif.tobytes())


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def distinct_image(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG of random blocks: each seed gives a picture no other seed resembles."""
    rng = random.Random(seed)
    image = Image.new("L", (8, 8))
    image.putdata([rng.randrange(256) for _ in range(64)])
    out = io.BytesIO()
    image.resize(size, Image.Resampling.NEAREST).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def heic_with_private_exif(size: tuple[int, int] = (64, 48), orientation: int = 6) -> bytes:
    """A real HEIC (as iPhones save them), written by pillow-heif's encoder, with the same
    private EXIF as `jpeg_with_private_exif`."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = "Budi Santoso"
    exif[0x010F] = "PonselMerek"
    image = Image.new("RGB", size, (200, 30, 30))
    for x in range(size[0]):
        image.putpixel((x, x * size[1] // size[0]), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "HEIF", exif=exif.tobytes(), quality=90)
    return out.getvalue()
