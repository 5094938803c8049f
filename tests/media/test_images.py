"""What Pillow finds in an upload, and what a public copy holds (pixels, nothing else)."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pydantic import ValidationError

from server.config import Settings
from server.errors import AppError
from server.media import images
from tests.media import samples

LIMITS = {"max_bytes": 2_000_000, "max_pixels": 50_000_000}


def refused(data: bytes, **limits) -> AppError:
    with pytest.raises(AppError) as caught:
        images.inspect(data, **{**LIMITS, **limits})
    return caught.value


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


# ------------------------------------------------------------------------------------------------ inspect


@pytest.mark.parametrize("make,content_type", [
    (samples.phone_jpeg, "image/jpeg"),
    (samples.png, "image/png"),
    (samples.webp, "image/webp"),
    (samples.heic, "image/heic"),
])
def test_the_real_type_is_read_from_the_bytes(make, content_type) -> None:
    assert images.inspect(make(), **LIMITS).content_type == content_type


def test_a_phone_photo_is_measured_upright_and_its_evidence_read() -> None:
    info = images.inspect(samples.phone_jpeg(400, 300, orientation=6), **LIMITS)
    assert (info.width, info.height) == (300, 400)  # held upright: the sensor's 400 × 300 turned a quarter
    assert info.taken_at == datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc)  # 10:30 at -06:00
    assert info.gps_lat == pytest.approx(samples.LAT, abs=1e-5)
    assert info.gps_lon == pytest.approx(samples.LON, abs=1e-5)
    assert info.camera == samples.CAMERA


def test_capture_time_without_offset_is_read_in_the_municipalitys_zone() -> None:
    data = samples.phone_jpeg(offset=None)
    durango = images.inspect(data, **LIMITS, local_timezone=ZoneInfo("America/Monterrey"))
    assert durango.taken_at == datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc)
    assert images.inspect(data, **LIMITS).taken_at is None  # no offset and no zone: unknown, not a guess


def test_a_photo_without_exif_has_no_evidence() -> None:
    info = images.inspect(samples.png(), **LIMITS)
    assert (info.taken_at, info.gps_lat, info.gps_lon, info.camera) == (None, None, None, None)
    assert (info.width, info.height) == (300, 200)


def test_a_heic_photo_is_accepted() -> None:
    info = images.inspect(samples.heic(320, 240), **LIMITS)
    assert (info.content_type, info.width, info.height) == ("image/heic", 320, 240)
    assert info.camera == samples.CAMERA


def test_over_size_is_refused_before_decoding() -> None:
    error = refused(samples.phone_jpeg(), max_bytes=1024)
    assert (error.status, error.code) == (413, "photo_too_large")


def test_a_text_file_named_jpg_is_not_an_image() -> None:
    error = refused(samples.text_named_jpg())
    assert (error.status, error.code) == (415, "not_an_image")


def test_other_image_types_are_refused_by_name() -> None:
    error = refused(samples.gif())
    assert (error.status, error.code) == (415, "photo_type_not_allowed")
    assert "GIF" in error.message("es") and "HEIC" in error.message("es")


def test_a_truncated_jpeg_is_corrupt() -> None:
    error = refused(samples.truncated_jpeg())
    assert (error.status, error.code) == (422, "corrupt_image")


@pytest.mark.parametrize("width,height", [
    (8_000, 8_000),  # 64 MP: over Vigía's 50 MP, under Pillow's own warning (89 MP)
    (10_000, 10_000),  # 100 MP: Pillow's DecompressionBombWarning
    (100_000, 100_000),  # 10 gigapixels: Pillow's DecompressionBombError
])
def test_decompression_bombs_are_refused(width: int, height: int) -> None:
    error = refused(samples.png_declaring(width, height))
    assert (error.status, error.code) == (422, "image_too_many_pixels")
    assert "50" in error.message("es")


def test_a_real_many_pixel_image_that_compresses_small_is_refused() -> None:
    data = samples.blank_png(8_000, 7_000)  # 56 MP of white, a few kilobytes
    assert len(data) < 100_000
    assert refused(data).code == "image_too_many_pixels"


def test_the_pixel_limit_is_a_setting() -> None:
    assert refused(samples.png(300, 200), max_pixels=50_000).code == "image_too_many_pixels"


def test_the_limits_are_settings_with_safe_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MAX_PHOTO_BYTES", "MAX_PHOTO_PIXELS", "PHOTO_VARIANTS"):
        monkeypatch.delenv(name, raising=False)
    defaults = Settings()
    assert (defaults.max_photo_bytes, defaults.max_photo_pixels, defaults.photo_variants) == (
        15 * 1024 * 1024, 50_000_000, [320, 1280])
    monkeypatch.setenv("MAX_PHOTO_BYTES", "5000000")
    monkeypatch.setenv("PHOTO_VARIANTS", "1280, 320,640")
    chosen = Settings()
    assert (chosen.max_photo_bytes, chosen.photo_variants) == (5_000_000, [320, 640, 1280])
    monkeypatch.setenv("PHOTO_VARIANTS", "0")
    with pytest.raises(ValidationError, match="PHOTO_VARIANTS"):
        Settings()


# ------------------------------------------------------------------------------------------------ render


def test_a_public_copy_has_no_metadata_at_all() -> None:
    original = samples.phone_jpeg(800, 600)
    for needle in (samples.MAKE.encode(), samples.MODEL.encode(), samples.GPS_TEXT.encode(), samples.COMMENT,
                   b"Exif", b"ICC_PROFILE"):
        assert needle in original  # the test photo does carry them
    assert any(gps in original for gps in samples.gps_rationals())
    copy = images.render(original, max_side=320)
    image = opened(copy)
    assert image.format == "JPEG" and image.mode == "RGB"
    assert dict(image.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(image.info)
    for needle in (samples.MAKE.encode(), samples.MODEL.encode(), samples.GPS_TEXT.encode(), samples.COMMENT,
                   *samples.gps_rationals(), b"Exif", b"ICC_PROFILE", b"http://ns.adobe.com"):
        assert needle not in copy
    assert b"\xff\xfe" not in copy[: copy.index(b"\xff\xda")]  # no COM segment before the image data
    assert image.info.get("progressive") == 1


def test_a_public_copy_is_turned_upright() -> None:
    # orientation 6: the sensor's left (red) is the top of the photo as it was taken
    copy = opened(images.render(samples.phone_jpeg(1600, 1200, orientation=6), max_side=320))
    assert copy.size == (240, 320)
    assert near(copy.getpixel((120, 40)), samples.RED)
    assert near(copy.getpixel((120, 280)), samples.BLUE)


@pytest.mark.parametrize("make", [samples.png, samples.webp, samples.heic])
def test_every_accepted_type_becomes_a_jpeg_without_metadata(make) -> None:
    copy = images.render(make(), max_side=320)
    image = opened(copy)
    assert image.format == "JPEG" and dict(image.getexif()) == {}
    assert samples.MAKE.encode() not in copy


def test_copies_are_never_enlarged() -> None:
    assert opened(images.render(samples.png(200, 100), max_side=1280)).size == (200, 100)


def test_every_size_from_one_decoding() -> None:
    copies = images.render_variants(samples.phone_jpeg(2000, 1500, orientation=1), sizes=[320, 1280])
    assert {size: opened(data).size for size, data in copies.items()} == {320: (320, 240), 1280: (1280, 960)}


def test_transparency_is_laid_over_white() -> None:
    copy = opened(images.render(samples.transparent_png(), max_side=100))
    assert near(copy.getpixel((20, 50)), (0, 128, 0))
    assert near(copy.getpixel((80, 50)), (255, 255, 255), tolerance=5)


def test_redactions_are_black_in_every_copy_in_upright_coordinates() -> None:
    # Upright, the photo is 1200 wide and 1600 tall; black out a box in its lower right quarter.
    box = {"x": 700, "y": 1000, "width": 400, "height": 400}
    copies = images.render_variants(samples.phone_jpeg(1600, 1200, orientation=6), sizes=[320, 1280],
                                    redactions=[box])
    for size, data in copies.items():
        image = opened(data)
        scale = image.height / 1600
        centre = (int((box["x"] + box["width"] / 2) * scale), int((box["y"] + box["height"] / 2) * scale))
        corner = (int((box["x"] + 4) * scale) + 1, int((box["y"] + 4) * scale) + 1)
        assert near(image.getpixel(centre), (0, 0, 0), tolerance=12), size
        assert near(image.getpixel(corner), (0, 0, 0), tolerance=30), size
        assert near(image.getpixel((int(300 * scale), int(1300 * scale))), samples.BLUE), size  # beside it
        assert near(image.getpixel((int(900 * scale), int(300 * scale))), samples.RED), size  # above it


# ------------------------------------------------------------------------------------------------ one decoding


def textured(width: int, height: int) -> Image.Image:
    """A photo-like image: the sample's red and blue halves under a grain of a few pixels, so resampling shows."""
    noise = Image.effect_noise((width // 3, height // 3), 60).resize((width, height), Image.Resampling.BICUBIC)
    return Image.blend(samples.halves(width, height), noise.convert("RGB"), 0.5)


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Peak signal-to-noise ratio in dB between two images of one size (above ~40 dB the eye sees no difference)."""
    import math

    from PIL import ImageChops, ImageStat

    squares = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB")).point(lambda v: v * v))
    mean = sum(squares.mean) / 3
    return math.inf if mean == 0 else 10 * math.log10(255 ** 2 / mean)


@pytest.fixture
def decoders(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every JPEG decoder Pillow creates while the test runs: its configuration, whose first value is the
    scale's denominator Pillow passes to libjpeg (1, 2, 3, 4 or 8)."""
    made: list[tuple] = []
    original = Image._getdecoder

    def counting(mode, decoder_name, args, extra=()):  # noqa: ANN001, ANN202
        if decoder_name == "jpeg":
            made.append(tuple(extra))
        return original(mode, decoder_name, args, extra)

    monkeypatch.setattr(Image, "_getdecoder", counting)
    return made


def test_a_twelve_megapixel_photo_is_decoded_once_at_three_eighths_for_both_copies(decoders) -> None:
    original = samples.phone_jpeg(image=textured(4032, 3024), orientation=6)
    decoders.clear()
    copies = images.render_variants(original, sizes=[320, 1280])
    assert len(decoders) == 1, decoders  # one decoding serves both sizes
    assert decoders[0][0] == 3, decoders  # at libjpeg's 3/8 (1512 px): the smallest at or above 1280
    assert {size: opened(data).size for size, data in copies.items()} == {320: (240, 320), 1280: (960, 1280)}


def test_copies_decoded_at_a_reduced_scale_look_like_copies_of_the_full_photo() -> None:
    """Same quality as resampling the whole decoded photo with Lanczos: the copies are as close to that as
    JPEG quality 82 itself lets a copy be (within 0.6 dB; decoding at 1/4 and enlarging loses 1.2 dB)."""
    photo = textured(4032, 3024)
    original = samples.phone_jpeg(image=photo, orientation=1)
    full = Image.open(io.BytesIO(original))
    full.load()
    for size, data in images.render_variants(original, sizes=[320, 1280]).items():
        copy = opened(data)
        reference = full.convert("RGB").resize(copy.size, Image.Resampling.LANCZOS)
        jpeg_itself = opened(samples.encode(reference, "JPEG", quality=images.JPEG_QUALITY))
        assert psnr(copy, reference) >= psnr(jpeg_itself, reference) - 0.6, size


def test_redactions_cover_their_box_at_three_eighths_too() -> None:
    # Upright 3024 wide and 4032 tall; a box in the lower right quarter; the 1280 copy is decoded at 3/8.
    box = {"x": 1800, "y": 2600, "width": 900, "height": 900}
    photo = samples.halves(4032, 3024)
    copies = images.render_variants(samples.phone_jpeg(image=photo, orientation=6), sizes=[1280],
                                    redactions=[box])
    image = opened(copies[1280])
    scale = image.height / 4032
    left, top = box["x"] * scale, box["y"] * scale
    right, bottom = (box["x"] + box["width"]) * scale, (box["y"] + box["height"]) * scale
    for x, y in ((left + 2, top + 2), (right - 3, bottom - 3), ((left + right) / 2, (top + bottom) / 2)):
        assert near(image.getpixel((int(x), int(y))), (0, 0, 0), tolerance=30), (x, y)
    assert near(image.getpixel((int(left - 40), int(top + 40))), samples.BLUE)  # beside it
