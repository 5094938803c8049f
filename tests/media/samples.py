"""Photos made with Pillow for the media tests: what phones send, and what attackers and broken uploads send."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import ExifTags, Image, ImageCms, PngImagePlugin

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


# ------------------------------------------------------------------------------------------------ metadata
# Photos that carry every kind of metadata a phone or an editing app writes, each with text of its own, so a
# test can tell which one survived into a public copy.

IPTC_CAPTION = b"Rosa Elena Quinones fotografio la obra desde su ventana"
IPTC_CITY = b"Victoria de Durango, calle Negrete 204"
RAW_COMMENT = b"Enviada desde el telefono de Rosa: 618 555 0199"
PNG_TEXTS = {  # keyword -> (text, how the chunk is written)
    "Comment": ("Foto tomada por Rosa en Negrete 204", "tEXt"),
    "comment": ("Rosa Elena, vecina de la obra", "tEXt"),  # Pillow reads this key as a JPEG comment
    "Author": ("Rosa Elena Quinones", "zTXt"),
    "Description": ("Frente a la casa de Rosa, 618 555 0199", "iTXt"),
}
XMP_KEY = "XML:com.adobe.xmp"  # the iTXt keyword PNG gives an XMP packet


def segment(marker: int, payload: bytes) -> bytes:
    """A JPEG marker segment: 0xFF, the marker, a big-endian length that counts itself, the payload."""
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def iptc_segment() -> bytes:
    """An APP13 "Photoshop 3.0" segment holding an IPTC-IIM block (resource 0x0404): caption and city, as
    news agencies and editing apps write them. Pillow reads these but cannot write them."""
    records = b"".join(b"\x1c\x02" + bytes((dataset,)) + struct.pack(">H", len(value)) + value
                       for dataset, value in ((0x78, IPTC_CAPTION), (0x5A, IPTC_CITY)))
    if len(records) % 2:
        records += b"\x00"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(records)) + records
    return segment(0xED, b"Photoshop 3.0\x00" + resource)


def after_soi(data: bytes, *segments: bytes) -> bytes:
    assert data[:2] == b"\xff\xd8"
    return data[:2] + b"".join(segments) + data[2:]


def tagged_jpeg(width: int = 1600, height: int = 1200, *, icc: bool, orientation: int = 6) -> bytes:
    """A phone JPEG with EXIF (camera, time, GPS), XMP, a comment written by Pillow, and, inserted by hand
    after the start of image, an APP13 IPTC segment and a second comment; with or without an ICC profile."""
    options = {"icc_profile": srgb_profile()} if icc else {}
    data = encode(halves(width, height), "JPEG", quality=90, exif=phone_exif(orientation=orientation),
                  xmp=xmp_packet(), comment=COMMENT, **options)
    return after_soi(data, iptc_segment(), segment(0xFE, RAW_COMMENT))


def tagged_png(width: int = 1400, height: int = 600, *, icc: bool) -> bytes:
    """A PNG with text chunks (tEXt, zTXt, iTXt), an XMP packet in iTXt, an eXIf chunk with GPS, and
    optionally an iCCP profile."""
    info = PngImagePlugin.PngInfo()
    for key, (text, kind) in PNG_TEXTS.items():
        if kind == "iTXt":
            info.add_itxt(key, text, lang="es", tkey="Descripción")
        else:
            info.add_text(key, text, zip=kind == "zTXt")
    info.add_itxt(XMP_KEY, xmp_packet().decode())
    options = {"icc_profile": srgb_profile()} if icc else {}
    return encode(halves(width, height), "PNG", pnginfo=info, exif=phone_exif(orientation=1), **options)


def tagged_webp(width: int = 1600, height: int = 1200, *, icc: bool) -> bytes:
    """A WebP with EXIF and XMP chunks, and optionally an ICCP chunk."""
    options = {"icc_profile": srgb_profile()} if icc else {}
    return encode(halves(width, height), "WEBP", quality=80, exif=phone_exif(orientation=1), xmp=xmp_packet(),
                  **options)


def secrets() -> list[bytes]:
    """Every string a tagged sample carries that must never reach a public copy."""
    return [MAKE.encode(), MODEL.encode(), TAKEN.encode(), GPS_TEXT.encode(), COMMENT, RAW_COMMENT, IPTC_CAPTION,
            IPTC_CITY, *gps_rationals(), *(text.encode() for text, _ in PNG_TEXTS.values()),
            b"Exif\x00\x00", b"http://ns.adobe.com", b"adobe:ns:meta", b"Photoshop 3.0", b"8BIM", b"ICC_PROFILE"]


# ------------------------------------------------------------------------------------------------ reading


_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0-7 carry no length


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """Every marker of a JPEG file in order, with its payload (empty for SOI, EOI and RSTn), walking the
    entropy-coded data after each SOS (a progressive JPEG has many scans). Raises if the file does not end
    exactly at its EOI: nothing may hide after it."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    found: list[tuple[int, bytes]] = [(0xD8, b"")]
    position = 2
    while True:
        assert data[position] == 0xFF, f"no marker at byte {position}"
        while data[position] == 0xFF:  # fill bytes
            position += 1
        marker = data[position]
        position += 1
        if marker == 0xD9:
            found.append((marker, b""))
            assert position == len(data), f"{len(data) - position} bytes after the end of image"
            return found
        if marker in _STANDALONE:
            found.append((marker, b""))
            continue
        length = struct.unpack(">H", data[position:position + 2])[0]
        found.append((marker, data[position + 2:position + length]))
        position += length
        if marker == 0xDA:  # skip the scan's data up to the next marker that is not a stuffed 0xFF00 or RSTn
            while not (data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8))):
                position += 1


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, position = [], 8
    while position < len(data):
        length = struct.unpack(">I", data[position:position + 4])[0]
        chunks.append((data[position + 4:position + 8], data[position + 8:position + 8 + length]))
        position += 12 + length
    return chunks


def webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", "not a WebP"
    chunks, position = [], 12
    while position < len(data):
        kind, length = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
        chunks.append((kind, data[position + 8:position + 8 + length]))
        position += 8 + length + (length & 1)
    return chunks


def tagged_heic(width: int = 640, height: int = 480, *, icc: bool) -> bytes:
    """An iPhone-like HEIC with EXIF (GPS) and XMP, and optionally an ICC profile."""
    import pillow_heif

    pillow_heif.register_heif_opener()  # what server.media.images does; harmless twice

    options = {"icc_profile": srgb_profile()} if icc else {}
    return encode(halves(width, height), "HEIF", exif=phone_exif(orientation=1).tobytes(), xmp=xmp_packet(),
                  **options)
