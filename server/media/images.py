"""Image checks and rendering with Pillow: what a photo really is, and its public copies.

`inspect()` decides from the bytes alone (never the file name or the declared type) whether an upload is a
photo Vigía accepts, decodes it fully once to refuse truncated files and decompression bombs, and reads the
evidence the camera recorded. `render()` makes a public copy: rotated as the camera meant, redactions blacked
out, resized, and saved as a JPEG that carries no metadata at all (no EXIF, ICC profile, XMP or comment).
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from PIL import ExifTags, Image, ImageCms, ImageDraw, ImageFile, ImageOps, UnidentifiedImageError

from server.errors import AppError, Invalid, TooLarge

try:  # HEIC/HEIF, what iPhones take by default
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency; keep working without it
    HEIC_SUPPORTED = False

# Pillow's format name -> the media type recorded. MPO is how Pillow names the JPEGs with several frames
# (depth maps, previews) that many phones write: still JPEG for every viewer.
CONTENT_TYPES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
if HEIC_SUPPORTED:
    CONTENT_TYPES["HEIF"] = "image/heic"
ACCEPTED_NAMES = "JPEG, PNG, WebP" + (", HEIC" if HEIC_SUPPORTED else "")

JPEG_QUALITY = 82
# A photo's public copy is decoded at the smallest JPEG scale (1/2, 1/4, 1/8) that still has this many
# times the pixels of the copy on each side, then resampled with Lanczos: fast, and sharp enough.
DRAFT_MARGIN = 1.0
# Before Lanczos, a copy far smaller than the decoded image is first reduced by whole factors (box averaging)
# while it stays at least this many times its final size: Pillow's documented trade, "almost the same" as
# Lanczos all the way at 2.0 and faster (bench/thumbnails.py).
REDUCING_GAP = 2.0

# In Vigía a DecompressionBombWarning always stops the decoding (as pytest's "warnings are errors" does in
# tests); set once here rather than per call, because warnings.catch_warnings() is not thread-safe.
warnings.simplefilter("error", Image.DecompressionBombWarning)
# Never accept a truncated file as if it were whole (Pillow's default; stated because it is global).
ImageFile.LOAD_TRUNCATED_IMAGES = False

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_EXIF_TIME = "%Y:%m:%d %H:%M:%S"


@dataclass(frozen=True)
class ImageInfo:
    """What inspect() found: the real type, the size as shown, and the camera's evidence."""

    content_type: str
    width: int
    height: int
    taken_at: datetime | None
    gps_lat: float | None
    gps_lon: float | None
    camera: str | None


# ------------------------------------------------------------------------------------------------ inspect


def inspect(data: bytes, *, max_bytes: int, max_pixels: int, local_timezone: tzinfo | None = None) -> ImageInfo:
    """Check an upload and read its evidence; raise the error the uploader can act on.

    413 photo_too_large, 415 not_an_image / photo_type_not_allowed, 422 image_too_many_pixels /
    corrupt_image. The capture time is UTC: with the camera's own offset (OffsetTimeOriginal) when it wrote
    one, else read in `local_timezone` (the municipality's), else unknown."""
    if len(data) > max_bytes:
        raise TooLarge("photo_too_large", size=_megabytes(len(data)), limit=_megabytes(max_bytes))
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels) from exc
    except UnidentifiedImageError as exc:
        raise AppError("not_an_image", status=415, accepted=ACCEPTED_NAMES) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # a known header that is broken
        raise Invalid("corrupt_image") from exc
    with image:
        content_type = CONTENT_TYPES.get(image.format or "")
        if content_type is None:
            raise AppError("photo_type_not_allowed", status=415, found=image.format, accepted=ACCEPTED_NAMES)
        if image.width * image.height > max_pixels:
            raise _too_many_pixels(max_pixels)
        try:
            image.load()  # a full decode: a truncated or corrupt file fails here, not in a background job
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(max_pixels) from exc
        except Exception as exc:  # decoders raise OSError, SyntaxError, ValueError, struct.error...
            raise Invalid("corrupt_image") from exc
        width, height = image.size
        exif = _safe_exif(image)
        if exif.get(ExifTags.Base.Orientation) in (5, 6, 7, 8):  # rotated a quarter turn
            width, height = height, width
        lat, lon = _gps(exif) or (None, None)
        return ImageInfo(
            content_type=content_type,
            width=width,
            height=height,
            taken_at=_taken_at(exif, local_timezone),
            gps_lat=lat,
            gps_lon=lon,
            camera=_camera(exif),
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _too_many_pixels(max_pixels: int) -> Invalid:
    return Invalid("image_too_many_pixels", limit=f"{max_pixels / 1e6:g}")


def _safe_exif(image: Image.Image) -> Image.Exif:
    try:
        return image.getexif()
    except Exception:  # a broken EXIF block loses the evidence, not the photo
        return Image.Exif()


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value or None


def _taken_at(exif: Image.Exif, local_timezone: tzinfo | None) -> datetime | None:
    try:
        details = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:
        return None
    for time_tag, offset_tag in ((ExifTags.Base.DateTimeOriginal, ExifTags.Base.OffsetTimeOriginal),
                                 (ExifTags.Base.DateTimeDigitized, ExifTags.Base.OffsetTimeDigitized)):
        text = _text(details.get(time_tag))
        if not text:
            continue
        try:
            moment = datetime.strptime(text[:19], _EXIF_TIME)
        except ValueError:
            continue  # "0000:00:00 00:00:00" and other placeholders
        offset = _offset(_text(details.get(offset_tag)))
        zone = offset or local_timezone
        if zone is None:
            return None
        return moment.replace(tzinfo=zone).astimezone(timezone.utc)
    return None


def _offset(text: str | None) -> timezone | None:
    """'+05:30' / '-06:00' as a fixed offset (EXIF 2.31 OffsetTime*)."""
    if not text or len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _gps(exif: Image.Exif) -> tuple[float, float] | None:
    try:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        lat = _degrees(info.get(ExifTags.GPS.GPSLatitude), info.get(ExifTags.GPS.GPSLatitudeRef), "S")
        lon = _degrees(info.get(ExifTags.GPS.GPSLongitude), info.get(ExifTags.GPS.GPSLongitudeRef), "W")
    except Exception:
        return None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None  # 0, 0 is what some cameras write without a fix
    return round(lat, 7), round(lon, 7)


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    """EXIF degrees, minutes, seconds (three rationals) to signed decimal degrees."""
    if not isinstance(value, Sequence) or len(value) != 3:
        return None
    degrees, minutes, seconds = (float(part) for part in value)
    decimal = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(decimal):
        return None
    return -decimal if _text(ref) == negative else decimal


def _camera(exif: Image.Exif) -> str | None:
    make = _text(exif.get(ExifTags.Base.Make))
    model = _text(exif.get(ExifTags.Base.Model))
    if make and model and model.lower().startswith(make.lower()):
        make = None  # "Apple" + "Apple iPhone 12" says Apple once
    camera = " ".join(part for part in (make, model) if part)
    return camera[:120] or None


# ------------------------------------------------------------------------------------------------ render


def render(original: bytes, *, max_side: int, redactions: Iterable[dict[str, int]] = ()) -> bytes:
    """One public copy of `original`: auto-rotated, in sRGB, with the redactions blacked out, no side longer
    than `max_side` (never enlarged), as a progressive JPEG without any metadata."""
    return render_variants(original, sizes=[max_side], redactions=redactions)[max_side]


def render_variants(original: bytes, *, sizes: Iterable[int], redactions: Iterable[dict[str, int]] = ()
                    ) -> dict[int, bytes]:
    """Every public copy of `original` from one decoding (at the scale the largest copy needs)."""
    sizes = sorted(set(sizes), reverse=True)
    base, turn = _prepared(original, max_side=sizes[0], redactions=list(redactions))
    copies = {}
    for size in sizes:  # each copy is resampled from the prepared image, not from the previous copy
        copy = _fit(base, size)
        copies[size] = _jpeg(copy.transpose(turn) if turn is not None else copy)
    return copies


def _fit(image: Image.Image, size: int) -> Image.Image:
    """`image` with its long side at most `size`, by Lanczos (after integer box reductions while the image is
    more than REDUCING_GAP times too large, which cost little and change nothing visible). Image.thumbnail does
    the same but measured 30 % slower here."""
    scale = size / max(image.size)
    if scale >= 1:
        return image.copy()
    target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


# EXIF orientation -> the turn that makes the photo upright (as ImageOps.exif_transpose).
_TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
          5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_90}


def _prepared(original: bytes, *, max_side: int, redactions: list[dict[str, int]]
              ) -> tuple[Image.Image, Image.Transpose | None]:
    """The decoded photo in sRGB with its black boxes, and the turn each copy still needs to stand upright. A JPEG
    without black boxes is turned after resizing (each copy is smaller than the decoded photo: less to move); with
    boxes it is turned first, so the boxes are drawn in the upright coordinates they were given in."""
    with Image.open(io.BytesIO(original)) as image:
        full_width, full_height = image.size
        orientation = _safe_exif(image).get(ExifTags.Base.Orientation)
        if orientation in (5, 6, 7, 8):
            full_width, full_height = full_height, full_width
        turn_later = image.format in ("JPEG", "MPO") and not redactions and orientation in _TURNS
        if image.format in ("JPEG", "MPO"):
            image = _decode_reduced(image, original, max_side=max_side)
        icc = image.info.get("icc_profile")
        if turn_later:
            image.load()
            upright = image
        else:
            upright = ImageOps.exif_transpose(image)
    upright = _to_srgb(upright, icc)
    if redactions:
        _black_out(upright, redactions, scale_x=upright.width / full_width, scale_y=upright.height / full_height)
    return upright, _TURNS[orientation] if turn_later else None


# libjpeg decodes at k/8 of the full size for any k from 1 to 8, computing each reduced 8 × 8 block from its DCT
# coefficients (cheaper than decoding in full and better than resampling afterwards). Pillow's draft() asks only
# for 1/8, 1/4 and 1/2; asking for a scale of 1/3 gets libjpeg's 3/8, which for a 4032-px photo is 1512 px: enough
# for the 1280 copy, and a third fewer pixels to resample than at 1/2.
_SCALES = ((1, 8), (2, 4), (3, 3), (4, 2))  # (k: the size in eighths, the denominator Pillow passes to libjpeg)


def _decode_reduced(image: ImageFile.ImageFile, original: bytes, *, max_side: int) -> ImageFile.ImageFile:
    """`image` (an opened JPEG) set to decode at the smallest k/8 scale whose long side is still at least
    `max_side` times DRAFT_MARGIN, and decoded: most of the speed of a copy of a large photo."""
    long_side = max(image.width, image.height)
    for eighths, denominator in _SCALES:
        if -(-long_side * eighths // 8) >= DRAFT_MARGIN * max_side:
            break
    else:
        return image  # the copy needs (nearly) every pixel: decode in full
    if eighths != 3:
        factor = eighths / 8
        image.draft("RGB", (max(1, int(image.width * factor)), max(1, int(image.height * factor))))
        return image
    try:
        return _decode_three_eighths(image)
    except (OSError, ValueError, AttributeError, TypeError):  # a Pillow that decodes otherwise: the 1/2 scale
        image = Image.open(io.BytesIO(original))
        image.draft("RGB", (image.width // 2, image.height // 2))
        return image


def _decode_three_eighths(image: ImageFile.ImageFile) -> ImageFile.ImageFile:
    """Decode at libjpeg's 3/8 scale: what draft() does (Pillow 10-13: the tile's extent, the image's size, the
    scale for the decoder), with denominator 3 and libjpeg's rounding of the size. Pillow refuses a decoded size
    that is not the one announced (OSError), so a different rounding cannot go unnoticed."""
    if len(image.tile) != 1 or image.decoderconfig:
        raise ValueError("not a plain JPEG tile")
    tile = image.tile[0]
    width, height = (-(-image.width * 3 // 8), -(-image.height * 3 // 8))
    image.tile = [ImageFile._Tile(tile.codec_name, (0, 0, width, height), tile.offset, tile.args)]
    image._size = (width, height)
    image.decoderconfig = (3, 0)
    image.load()
    if image.size != (width, height):
        raise ValueError("decoded at another scale")
    return image


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB in sRGB: an embedded profile (Display P3 on many phones) is applied, not dropped, so colours survive
    the removal of the profile; transparency is laid over white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")  # 16-bit greyscale PNG
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode not in ("RGB", "CMYK", "L"):
                image = image.convert("RGB")
            return ImageCms.profileToProfile(image, profile, _SRGB, outputMode="RGB")  # type: ignore[return-value]
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken or mismatched profile: fall back to the plain conversion
    return image.convert("RGB") if image.mode != "RGB" else image


def _black_out(image: Image.Image, redactions: list[dict[str, int]], *, scale_x: float, scale_y: float) -> None:
    draw = ImageDraw.Draw(image)
    for box in redactions:
        # Round outwards: at a reduced scale the box still covers every pixel it covered at full size.
        left = math.floor(box["x"] * scale_x)
        top = math.floor(box["y"] * scale_y)
        right = math.ceil((box["x"] + box["width"]) * scale_x)
        bottom = math.ceil((box["y"] + box["height"]) * scale_y)
        draw.rectangle((left, top, right - 1, bottom - 1), fill=(0, 0, 0))


def dimensions(data: bytes) -> tuple[int, int]:
    """Width and height of an encoded image (reads the header only)."""
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def _jpeg(image: Image.Image) -> bytes:
    # Pillow carries im.info (EXIF, XMP, the JPEG comment, the ICC profile) through resize and into save:
    # empty it, and name nothing in save(), so the copy holds pixels only.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=False, subsampling="4:2:0")
    return out.getvalue()
