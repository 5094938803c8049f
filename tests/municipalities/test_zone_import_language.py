"""A zones import's per-feature report reads in the reader's language (the desk shows it as it comes)."""

from __future__ import annotations

from tests.factories import bearer, token_for

PATH = "/api/v1/municipalities/10005/zones/import"
NO_NAME = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": "10005-X"},
     "geometry": {"type": "Polygon", "coordinates": [[[-104.8, 23.9], [-104.79, 23.9], [-104.79, 23.91],
                                                      [-104.8, 23.9]]]}}]}


def test_the_reasons_of_a_refused_feature_follow_accept_language(client, session) -> None:
    headers = bearer(token_for(session, "admin@vigia.example"))
    spanish = client.post(PATH, json=NO_NAME, headers=headers).json()["rows"][0]
    english = client.post(PATH, json=NO_NAME, headers={**headers, "Accept-Language": "en"}).json()["rows"][0]
    assert spanish["result"] == english["result"] == "rejected"
    assert spanish["errors"][0]["code"] == english["errors"][0]["code"] == "zone_needs_code_and_name"
    assert spanish["errors"][0]["message"] != english["errors"][0]["message"]
    assert spanish["errors"][0]["message"] == "Cada zona necesita properties.code y properties.name."
    assert english["errors"][0]["message"] == "Every zone needs properties.code and properties.name."


def test_a_file_that_is_not_json_is_refused_in_words_not_the_parsers_english(client, session) -> None:
    """QA: a picture chosen as the zones' file answered «… no es JSON válido: 'utf-8' codec can't decode byte 0x89
    in position 0: invalid start byte.» (the parser's English in the Spanish desk)."""
    headers = {**bearer(token_for(session, "admin@vigia.example")), "Content-Type": "application/geo+json"}
    picture = client.post(PATH, content=b"\x89PNG\r\n\x1a\n\x00\x00", headers=headers)
    assert picture.status_code == 400
    assert picture.json()["error"]["message"] == "El cuerpo de la solicitud no es JSON válido: no está escrito en UTF-8."
    broken = client.post(PATH, content=b'{"type": "FeatureCollection",\n  "features": [}', headers=headers)
    assert broken.status_code == 400
    assert broken.json()["error"]["message"] == (
        "El cuerpo de la solicitud no es JSON válido: revise la línea 2, columna 16.")
    english = client.post(PATH, content=b"\x89PNG", headers={**headers, "Accept-Language": "en"}).json()["error"]
    assert "codec" not in english["message"] and "utf-8" not in english["message"]
