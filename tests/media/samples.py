"""Photos made with Pillow for the media tests: what phones send, and what attackers and broken uploads send."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import ExifTags, Image, ImageCms

# Where and with what the "phone" photo was taken: strings that must never appear in a public copy.
MAKE = "Motorola"
MODEL = "moto g(8) power"
CAMERA = "Motorola moto g(8) power"
LAT, LON = 24.0277, -104.6657  # Zona Centro, Victoria de Durango
GPS_TEXT = "24,1.662N"  # how the XMP packet of many phones repeats the position
TAKEN = "2026:03:01 10:30:00"
OFFSET = "-06:00"
COMMENT = b"Foto de Rosa, calle Negrete 204"

RED = (220, 30, 30)
BLUE = (30, 30, 220)


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return float(degrees), float(minutes), seconds


def gps_rationals() -> list[bytes]:
    """The latitude as the EXIF GPS IFD stores it: three reduced rationals, in either byte order."""
    from fractions import Fraction

    parts = [Fraction(str(value)).limit_denominator(10_000) for value in _dms(LAT)]
    numbers = [n for part in parts for n in (part.numerator, part.denominator)]
    return [struct.pack(order + "6L", *numbers) for order in "<>"]


def phone_exif(*, orientation: int = 6, offset: str | None = OFFSET, gps: bool = True) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = MODEL
    details = {ExifTags.Base.DateTimeOriginal: TAKEN}
    if offset:
        details[ExifTags.Base.OffsetTimeOriginal] = offset
    exif[ExifTags.IFD.Exif] = details
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: _dms(LAT),
            ExifTags.GPS.GPSLongitudeRef: "W", ExifTags.GPS.GPSLongitude: _dms(LON),
        }
    return exif


def xmp_packet() -> bytes:
    return (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="' + GPS_TEXT.encode()
            + b'"/></rdf:RDF></x:xmpmeta>')


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def halves(width: int, height: int) -> Image.Image:
    """Left half red, right half blue (as the sensor saw it), with a little noise like a real photo: random, so
    every call is a different photo (keep the bytes to send the same photo twice)."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    noise = Image.effect_noise((width, height), 12).convert("RGB")
    return Image.blend(image, noise, 0.05)


def phone_jpeg(width: int = 400, height: int = 300, *, orientation: int = 6, offset: str | None = OFFSET,
               gps: bool = True, image: Image.Image | None = None) -> bytes:
    """A JPEG as a phone writes it: held upright (orientation 6: the sensor's left is the top), with the
    capture time and offset, GPS, make and model, an ICC profile, an XMP packet and a comment."""
    out = io.BytesIO()
    (image or halves(width, height)).save(out, "JPEG", quality=90, exif=phone_exif(orientation=orientation,
                                          offset=offset, gps=gps), icc_profile=srgb_profile(), xmp=xmp_packet(),
                                          comment=COMMENT)
    return out.getvalue()


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png(width: int = 300, height: int = 200) -> bytes:
    return encode(halves(width, height), "PNG")


def transparent_png() -> bytes:
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, 50, 100))  # left half opaque green, right half transparent
    return encode(image, "PNG")


def webp(width: int = 300, height: int = 200) -> bytes:
    return encode(halves(width, height), "WEBP", quality=80, exif=phone_exif(orientation=1))


def heic(width: int = 320, height: int = 240) -> bytes:
    import pillow_heif  # noqa: F401  (registers the HEIF encoder)

    return encode(halves(width, height), "HEIF", exif=phone_exif(orientation=1).tobytes())


def gif() -> bytes:
    return encode(Image.new("P", (20, 20)), "GIF")


def noisy_jpeg(width: int, height: int, *, seed: int = 1) -> bytes:
    """Noise compresses badly: a small image that is a large file."""
    random.seed(seed)
    image = Image.frombytes("RGB", (width, height), random.randbytes(width * height * 3))
    return encode(image, "JPEG", quality=95)


def truncated_jpeg() -> bytes:
    data = phone_jpeg(800, 600)
    return data[: len(data) * 2 // 3]


def text_named_jpg() -> bytes:
    return "Esto no es una foto: es la queja escrita en un archivo llamado foto.jpg\n".encode()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG file whose header declares `width` × `height` pixels (a decompression bomb's header)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    data = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def blank_png(width: int, height: int) -> bytes:
    """A real, valid image of many pixels that compresses to almost nothing."""
    return encode(Image.new("1", (width, height)), "PNG", optimize=True)
