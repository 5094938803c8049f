"""Public copies carry pixels and nothing else: whatever metadata a photo arrives with (EXIF with GPS, XMP,
IPTC, JPEG comments, PNG text chunks, ICC profiles), none of it reaches a byte anyone can download, while the
original is kept exactly as it arrived (docs/media.md, "What is kept private")."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from server.media.storage import original_key
from tests.factories import bearer, token_for
from tests.media import samples
from tests.media.conftest import files_under

BASE = "/api/v1/municipalities/10005/photos"
APP0, APP1, APP2, APP13, COM = 0xE0, 0xE1, 0xE2, 0xED, 0xFE

# Each sample: how it is made and whether it carries an ICC profile. Every one is red on its left half as the
# sensor saw it, and turned upright (orientation 6) the red half is on top: the top left is red either way.
SAMPLES = {
    "jpeg-icc-rotated": (lambda: samples.tagged_jpeg(icc=True, orientation=6), True),
    "jpeg-rotated": (lambda: samples.tagged_jpeg(icc=False, orientation=6), False),
    "jpeg-upright": (lambda: samples.tagged_jpeg(icc=False, orientation=1), False),
    "png-icc": (lambda: samples.tagged_png(icc=True), True),
    "png": (lambda: samples.tagged_png(icc=False), False),
    "webp-icc": (lambda: samples.tagged_webp(icc=True), True),
    "webp": (lambda: samples.tagged_webp(icc=False), False),
    "heic-icc": (lambda: samples.tagged_heic(icc=True), True),
    "heic": (lambda: samples.tagged_heic(icc=False), False),
}


def carried(data: bytes) -> set[str]:
    """The kinds of metadata a sample carries, read from its structure (not trusted from how it was made)."""
    found = set()
    if data[:2] == b"\xff\xd8":
        for marker, payload in samples.jpeg_segments(data):
            if marker == APP1 and payload.startswith(b"Exif\x00\x00"):
                found.add("exif")
            elif marker == APP1 and payload.startswith(b"http://ns.adobe.com/xap/1.0/\x00"):
                found.add("xmp")
            elif marker == APP2 and payload.startswith(b"ICC_PROFILE\x00"):
                found.add("icc")
            elif marker == APP13 and payload.startswith(b"Photoshop 3.0\x00") and b"\x1c\x02\x78" in payload:
                found.add("iptc")
            elif marker == COM:
                found.add("comment")
    elif data[:4] == b"\x89PNG":
        for kind, payload in samples.png_chunks(data):
            if kind == b"iTXt" and payload.startswith(samples.XMP_KEY.encode() + b"\x00"):
                found.add("xmp")
            elif kind in (b"tEXt", b"zTXt", b"iTXt"):
                found.add("text")
            elif kind == b"eXIf":
                found.add("exif")
            elif kind == b"iCCP":
                found.add("icc")
    elif data[:4] == b"RIFF":
        kinds = {kind for kind, _ in samples.webp_chunks(data)}
        found |= {name for name, kind in (("exif", b"EXIF"), ("xmp", b"XMP "), ("icc", b"ICCP")) if kind in kinds}
    else:  # HEIC: Pillow's view is enough to know the sample carries what we asked for
        with Image.open(io.BytesIO(data)) as image:
            found |= {key.replace("_profile", "") for key in ("exif", "xmp", "icc_profile") if image.info.get(key)}
    return found


def expected(name: str, icc: bool) -> set[str]:
    kinds = {"jpeg": {"exif", "xmp", "iptc", "comment"}, "png": {"exif", "xmp", "text"}, "webp": {"exif", "xmp"},
             "heic": {"exif", "xmp"}}[name.split("-")[0]]
    return kinds | ({"icc"} if icc else set())


def assert_pixels_only(data: bytes, *, what: str) -> Image.Image:
    """A public copy: a JPEG whose only application segment is the JFIF header, with no comment, no EXIF, XMP,
    IPTC or ICC profile, none of the sample's texts anywhere in its bytes, and nothing after its end."""
    segments = samples.jpeg_segments(data)
    markers = [marker for marker, _ in segments]
    applications = [(marker, payload[:5]) for marker, payload in segments if 0xE0 <= marker <= 0xEF]
    assert applications == [(APP0, b"JFIF\x00")], f"{what}: application segments {applications}"
    assert COM not in markers, f"{what}: a JPEG comment (COM) survived"
    for needle in samples.secrets():
        assert needle not in data, f"{what}: {needle!r} is in the public copy"
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "JPEG" and image.mode == "RGB", what
    assert dict(image.getexif()) == {}, what
    assert not {"exif", "icc_profile", "xmp", "comment", "photoshop", "adobe"} & set(image.info), what
    return image


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 45) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_public_copy_is_pixels_only_and_the_original_is_kept_exactly(client, session, media_dir,
                                                                          name: str) -> None:
    make, icc = SAMPLES[name]
    data = make()
    assert carried(data) == expected(name, icc)  # the sample does carry everything the test looks for
    if name.startswith("jpeg"):
        for needle in samples.secrets()[:8]:  # camera, time, GPS, comments, IPTC texts
            assert needle in data, needle
    staff = bearer(token_for(session, "contraloria@vigia.example"))

    uploaded = client.post(BASE, content=data, headers={"Content-Type": "image/jpeg"})
    assert uploaded.status_code == 201, uploaded.text
    photo_id = uploaded.json()["id"]
    served: list[bytes] = []
    for version in (1, 2):  # as uploaded, and again after a moderator's redaction makes new copies
        shown = client.get(f"{BASE}/{photo_id}", headers=staff).json()  # not published: staff see it
        assert (shown["variants_status"], shown["public_version"]) == ("ready", version)
        assert sorted(shown["variants"], key=int) == ["320", "1280"]
        for size, variant in shown["variants"].items():
            response = client.get(variant["url"], headers=staff)
            assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
            image = assert_pixels_only(response.content, what=f"{name} {size} v{version}")
            assert image.size == (variant["width"], variant["height"])
            assert max(image.size) == min(int(size), max(shown["width"], shown["height"]))
            assert near(image.getpixel((2, 2)), samples.RED), (size, image.getpixel((2, 2)))  # colours kept
            served.append(response.content)
        if version == 1:
            redaction = {"rectangles": [{"x": 0, "y": shown["height"] - 10, "width": 10, "height": 10}],
                         "public_version": 1}
            assert client.post(f"{BASE}/{photo_id}/redactions", json=redaction, headers=staff).status_code == 200

    # What is on disk for the public is exactly what was served: no other copy to stumble upon.
    public_files = files_under(media_dir, "public")
    assert sorted(path.read_bytes() for path in public_files) == sorted(served[2:])  # v1 copies were deleted
    for path in public_files:
        assert_pixels_only(path.read_bytes(), what=str(path))

    # The original stays as it arrived, byte for byte, under its SHA-256, with the camera's evidence.
    sha256 = hashlib.sha256(data).hexdigest()
    [original] = files_under(media_dir, "originals")
    assert original == media_dir / original_key(sha256)
    assert original.read_bytes() == data and hashlib.sha256(original.read_bytes()).hexdigest() == sha256
    evidence = client.get(f"{BASE}/{photo_id}/evidence", headers=staff).json()
    assert (evidence["sha256"], evidence["size_bytes"]) == (sha256, len(data))
    assert evidence["camera"] == samples.CAMERA
    assert round(evidence["gps"]["lat"], 4) == samples.LAT and round(evidence["gps"]["lon"], 4) == samples.LON
