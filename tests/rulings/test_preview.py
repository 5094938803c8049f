"""The preview of a public version (issue 18, the desk's redaction screen): the text as publishing would make it
now, where each placeholder is in it, how many findings are pending; the same text the publish then makes."""

from __future__ import annotations

from tests.rulings.conftest import MUNI, OTHER_MUNI, World
from tests.rulings.test_routes import _decide_all, _findings
from tests.test_app import assert_error_shape


def _preview(world: World, rid: str, headers=None):
    return world.client.get(f"{MUNI}/rulings/{rid}/public-version/preview", headers=headers or world.reviewer)


def test_the_preview_is_what_publishing_makes(world: World) -> None:
    client = world.client
    ruling = world.import_ruling()
    rid = ruling["id"]
    original = client.get(f"{MUNI}/rulings/{rid}/texts/{ruling['original']['id']}", headers=world.reviewer).json()
    findings = _findings(world, rid)
    # before any decision: the original as it is, every finding pending
    first = _preview(world, rid)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["text"] == original["text"] and body["spans"] == []
    assert body["pending"] == len(findings) > 0 and body["confirmed"] == 0
    assert body["original"] == {"id": original["id"], "number": 1, "sha256": original["sha256"]}
    assert body["latest_public"] is None and body["changed"] is True and body["case_number"] == ruling["case_number"]
    # one confirmed: only its placeholder, at the place the preview says
    dni = next(f for f in findings if f["category"] == "dni")
    decided = client.post(f"{MUNI}/rulings/{rid}/findings/{dni['id']}/decision", headers=world.reviewer,
                          json={"state": "confirmed", "version": dni["version"]})
    assert decided.status_code == 200, decided.text
    body = _preview(world, rid).json()
    assert body["pending"] == len(findings) - 1 and body["confirmed"] == 1
    [span] = body["spans"]
    assert body["text"][span["start"]:span["end"]] == "[DNI]" == span["placeholder"] and span["category"] == "dni"
    assert original["text"][span["original_start"]:span["original_end"]] == "45678912"
    assert "45678912" not in body["text"]
    # all decided (the address dismissed): the preview is the public text the publish makes, byte for byte
    _decide_all(world, rid, dismiss=lambda f: f["category"] == "address")
    body = _preview(world, rid).json()
    assert body["pending"] == 0
    for span in body["spans"]:
        assert body["text"][span["start"]:span["end"]] == span["placeholder"]
    assert {span["placeholder"] for span in body["spans"]} >= {"[DNI]", "[RUC]", "[CORREO ELECTRÓNICO]", "[NOMBRE]"}
    assert "[DIRECCIÓN]" not in body["text"] and "Huallaga" in body["text"]
    published = client.post(f"{MUNI}/rulings/{rid}/public-version", headers=world.reviewer)
    assert published.status_code == 201, published.text
    assert published.json()["public_text"]["text"] == body["text"]
    after = _preview(world, rid).json()
    assert after["changed"] is False and after["latest_public"]["number"] == 1
    assert after["latest_public"]["sha256"] == published.json()["public_text"]["sha256"]


def test_who_may_preview(world: World, client) -> None:
    rid = world.import_ruling()["id"]
    # auditors point out data but do not decide or publish: nor preview
    assert_error_shape(_preview(world, rid, world.auditor), 403, "audit_team_required")
    assert_error_shape(client.get(f"{MUNI}/rulings/{rid}/public-version/preview"), 401, "auth_required")
    assert _preview(world, rid, world.admin).status_code == 200  # the municipality's admin
    # another municipality's admin does not see it there, nor the ruling through their own municipality
    assert_error_shape(_preview(world, rid, world.other_admin), 404, "ruling_not_found")
    assert_error_shape(client.get(f"{OTHER_MUNI}/rulings/{rid}/public-version/preview", headers=world.other_admin),
                       404, "ruling_not_found")
