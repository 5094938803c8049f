"""A checklist question may carry a help line (Spanish, and English) that the field app shows under it; the
desk's form editor writes it."""

from __future__ import annotations

from tests.factories import bearer, token_for

FORMS = "/api/v1/municipalities/10005/forms"


def test_help_text_is_kept_with_the_version_and_blank_help_is_left_out(client, session) -> None:
    headers = bearer(token_for(session, "admin@vigia.example"))
    questions = [
        {"id": "letrero", "text": "¿Hay letrero?", "kind": "yes_no", "required": True,
         "help": "Busque el letrero en la entrada de la obra.", "help_en": "Look for the sign at the entrance."},
        {"id": "notas", "text": "Notas", "kind": "text"},
    ]
    created = client.post(FORMS, json={"key": "ayuda", "title": "Con ayuda", "questions": questions}, headers=headers)
    assert created.status_code == 201, created.text
    first, second = created.json()["versions"][0]["questions"]
    assert first["help"] == "Busque el letrero en la entrada de la obra."
    assert first["help_en"] == "Look for the sign at the entrance."
    assert second.get("help") is None
    too_long = [{**questions[0], "help": "x" * 1001}]
    assert client.post(FORMS, json={"key": "larga", "title": "Larga", "questions": too_long},
                       headers=headers).status_code == 422
