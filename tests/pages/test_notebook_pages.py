"""The judges' notebooks as public pages (docs/public-pages.md, docs/notebooks.md) through HTTP, on both databases:
the list and a notebook's page show what the public JSON says (judge, figures with their intervals, surveys, the
judge's reply), a withheld or withdrawn one says why in words and shows no figure, drafts and reviewed ones are
the 404 page, and the judge replies through the form page with no script: wrong key, blank text and forms from
elsewhere answered in words, the right key publishes the reply on the notebook's page."""

from __future__ import annotations

import re
from datetime import date

from tests.factories import bearer, token_for
from tests.notebooks.conftest import BASE, REVIEWER, audit, twelve_rulings  # noqa: F401 (the audit fixture)
from tests.pages.test_pages import page, text_of

HOME = "/publico/10005"
REPLY = {"signed_as": "Mtra. Elena Prueba Sánchez, Jueza titular",
         "text": "Las fechas de presentación de dos expedientes no corresponden a la mesa de partes.\n\n"
                 "Adjunto las constancias."}


def _notebook(client, session, audit, *, publish: bool = True) -> dict:  # noqa: F811 (the fixture's value)
    headers = bearer(token_for(session, REVIEWER))
    computed = client.post(f"{BASE}/audit-projects/{audit.project}/notebooks", json={"judge_id": audit.judge},
                           headers=headers)
    assert computed.status_code == 201, computed.text
    notebook = computed.json()
    if not publish:
        return notebook
    url = f"{BASE}/notebooks/{notebook['id']}"
    reviewed = client.post(f"{url}/review", json={"version": notebook["version"]}, headers=headers)
    assert reviewed.status_code == 200, reviewed.text
    published = client.post(f"{url}/publish", json={"version": reviewed.json()["version"]}, headers=headers)
    assert published.status_code == 200, published.text
    return published.json()


def _pct(rate: float) -> str:
    return f"{rate * 100:.0f} %"


def _interval(item: dict) -> str:
    low, high = item["ci95"]
    return f"{low * 100:.0f}–{high * 100:.0f} %"


def test_a_published_notebook_reads_as_its_public_json_in_both_languages(client, session, audit) -> None:  # noqa: F811
    twelve_rulings(audit)
    notebook = _notebook(client, session, audit)
    public = client.get(f"{BASE}/notebooks/{notebook['id']}").json()
    figures = public["figures"]
    path = f"{HOME}/cuadernos/{notebook['id']}"
    html, words = page(client, path)
    assert "<script" not in html
    assert re.search(r"<h1>Mtra\. Elena Prueba Sánchez</h1>", html)
    assert "Jueza titular" in words and "Juzgado Primero Civil de Prueba" in words
    assert "del 1 de enero de 2025 al 31 de diciembre de 2025" in words and "Auditoría de prueba 2025" in words
    assert f'<meta property="og:title" content="Cuaderno de Mtra. Elena Prueba Sánchez, del 1 de enero' in html
    for heading in ("Línea de decisiones en el tiempo", "Defectos de motivación", "Coherencia con sus propios "
                    "precedentes", "Tiempo entre la presentación y la resolución", "Encuestas a usuarios del juzgado",
                    "Respuesta de la persona juzgadora", "Qué dicen y qué no dicen estas cifras", "Compartir"):
        assert re.search(rf"<h2[^>]*>{heading}", html), heading
    # the line of decisions: a chart drawn here, and its numbers per quarter in a table
    assert 'aria-labelledby="linea-t linea-d"' in html and "Resoluciones por trimestre, apiladas" in html
    quarters = {}
    for row in figures["line_of_decisions"]["by_quarter"]:
        quarters.setdefault(row["period"], {}).setdefault(row["outcome"], 0)
        quarters[row["period"]][row["outcome"]] += row["count"]
    assert quarters["2025-T1"] == {"upheld": 2, "not_upheld": 1}
    assert "Trimestre Fundada Infundada Total 2025-T1 2 1 3 2025-T2 3 0 3 2025-T3 2 1 3" in words
    # each defect with its count, share and Wilson interval, as the JSON
    for item in figures["defects"]["by_label"]:
        if item["label"] == "insufficient_reasoning":
            assert f"Motivación insuficiente {item['count']} / {item['n']} {_pct(item['rate'])} {_interval(item)}" \
                in words
    assert "Motivación insuficiente 4 / 12 33 % 14–61 %" in words
    assert 'aria-labelledby="defectos-t defectos-d"' in html
    time = figures["time_to_ruling"]
    assert f"Mediana {time['median_days']:g} días" in words and f"Percentil 90 {time['p90_days']:g} días" in words
    assert f"Mínimo {time['min_days']:g} días" in words and f"Máximo {time['max_days']:g} días" in words
    follows = figures["consistency"]["follows_modal_outcome"]
    assert f"{follows['count']} / {follows['n']} {_pct(follows['rate'])}" in words
    assert "El juez o la jueza no ha respondido." in words
    assert f"http://testserver{path}" in words  # the address to share, in full
    assert f'href="/api/v1/municipalities/10005/notebooks/{notebook["id"]}/figures.csv"' in html
    assert "ruling_ids" not in html and "Cifras cotejadas" not in html

    for link in sorted(set(re.findall(r'href="(/[^"#]*)', html))):  # every link of the page leads somewhere
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link

    html, words = page(client, f"{path}?lang=en")
    assert '<html lang="en">' in html and "<h1>Mtra. Elena Prueba Sánchez</h1>" in html
    for heading in ("Line of decisions over time", "The judge's reply", "What these figures say and do not say",
                    "Share"):
        assert heading in words, heading
    assert "Quarter Upheld Not upheld Total 2025-Q1 2 1 3" in words and "1 January 2025 to 31 December 2025" in words
    assert "Insufficient reasoning 4 / 12 33 % 14–61 %" in words

    # listed on the municipality's notebooks, linked from its front page, in the sitemap
    html, words = page(client, f"{HOME}/cuadernos")
    assert "Mtra. Elena Prueba Sánchez" in words and f'href="{path}"' in html
    assert f'href="{HOME}/cuadernos"' in page(client, HOME)[0]
    sitemap = client.get(f"{HOME}/sitemap.xml").text
    assert f"<loc>http://testserver{path}</loc>" in sitemap
    assert f"<loc>http://testserver{HOME}/cuadernos</loc>" in sitemap


def test_withheld_withdrawn_and_unpublished_notebooks(client, session, audit) -> None:  # noqa: F811
    for month in range(1, 7):
        audit.add_ruling(ruled_on=date(2025, month, 10), filed_on=date(2025, 1, 1), labels=("insufficient_reasoning",))
    draft = _notebook(client, session, audit, publish=False)
    answer = client.get(f"{HOME}/cuadernos/{draft['id']}")
    assert answer.status_code == 404 and "No encontramos esta página" in answer.text
    assert f"{HOME}/cuadernos/{draft['id']}" not in client.get(f"{HOME}/sitemap.xml").text
    assert "Elena Prueba" not in client.get(f"{HOME}/cuadernos").text
    assert client.get(f"{HOME}/cuadernos/{draft['id']}/responder").status_code == 404
    headers = bearer(token_for(session, REVIEWER))
    reviewed = client.post(f"{BASE}/notebooks/{draft['id']}/review", json={"version": draft["version"]},
                           headers=headers).json()
    assert client.get(f"{HOME}/cuadernos/{draft['id']}").status_code == 404
    html, words = page(client, f"{HOME}/cuadernos/{draft['id']}/responder")  # the judge may be invited already
    assert "Responder al cuaderno" in words and "Elena Prueba" not in html  # but nothing of it is public yet
    secret = client.post(f"{BASE}/notebooks/{draft['id']}/reply-invitations", json={}, headers=headers).json()["secret"]
    sent = client.post(f"{HOME}/cuadernos/{draft['id']}/responder", data={**REPLY, "secret": secret},
                       follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].endswith("/responder?enviada=1")
    assert "Recibimos su respuesta." in page(client, sent.headers["location"])[1]

    published = client.post(f"{BASE}/notebooks/{draft['id']}/publish", json={"version": reviewed["version"]},
                            headers=headers).json()
    public = client.get(f"{BASE}/notebooks/{draft['id']}").json()
    assert public["withheld"] is True
    html, words = page(client, f"{HOME}/cuadernos/{draft['id']}")
    assert public["withheld_reason"] in words
    assert "<svg" not in html and "Motivación insuficiente" not in words and "Línea de decisiones" not in words
    assert "Respuesta de la persona juzgadora" in words and "Adjunto las constancias." in words  # beside it
    assert "Sin cifras públicas" in page(client, f"{HOME}/cuadernos")[1]

    withdrawn = client.post(f"{BASE}/notebooks/{draft['id']}/withdraw",
                            json={"version": published["version"], "reason": "Se detectó un error en dos fechas."},
                            headers=headers)
    assert withdrawn.status_code == 200, withdrawn.text
    html, words = page(client, f"{HOME}/cuadernos/{draft['id']}")
    assert "El equipo de auditoría retiró este cuaderno" in words and "Se detectó un error en dos fechas." in words
    assert "Motivo del equipo: Se detectó un error en dos fechas." in words
    assert "fue retirado" not in words  # the notice says it once, not again before the reason
    assert "<svg" not in html and "Retirado" in words


def test_the_judge_replies_through_the_form_page(client, session, audit) -> None:  # noqa: F811
    twelve_rulings(audit)
    notebook = _notebook(client, session, audit)
    invited = client.post(f"{BASE}/notebooks/{notebook['id']}/reply-invitations", json={"days": 10},
                          headers=bearer(token_for(session, REVIEWER)))
    assert invited.status_code == 201, invited.text
    secret, form = invited.json()["secret"], invited.json()["reply_url"]
    assert form == f"{HOME}/cuadernos/{notebook['id']}/responder"
    html, words = page(client, form)
    assert "<script" not in html and 'method="post"' in html and '<meta name="robots" content="noindex">' in html
    for label, name in (("Clave de respuesta", "secret"), ("Firma", "signed_as"), ("Respuesta", "text")):
        assert re.search(rf'<label for="(\w+)">{label}</label>.*?id="\1" name="{name}"', html, flags=re.S), label
    assert 'type="password"' in html and "Enviar respuesta</button>" in html

    wrong = client.post(form, data={**REPLY, "secret": "vgr_" + "x" * 40}, follow_redirects=False)
    assert wrong.status_code == 403 and wrong.headers["cache-control"] == "no-store"
    assert "La clave de la invitación no es válida para este cuaderno." in text_of(wrong.text)
    assert REPLY["signed_as"] in wrong.text and "Adjunto las constancias." in wrong.text  # what was typed stays
    assert "x" * 40 not in wrong.text  # never the key
    blank = client.post(form, data={**REPLY, "secret": secret, "text": "   "}, follow_redirects=False)
    assert blank.status_code == 422 and "Escriba su respuesta (al menos 10 caracteres)." in text_of(blank.text)
    assert secret not in blank.text
    elsewhere = client.post(form, data={**REPLY, "secret": secret}, headers={"Origin": "https://otro.example"},
                            follow_redirects=False)
    assert elsewhere.status_code == 403 and "desde otro sitio web" in text_of(elsewhere.text)
    as_json = client.post(form, json={**REPLY, "secret": secret}, follow_redirects=False)
    assert as_json.status_code == 415
    huge = client.post(form, data={**REPLY, "secret": secret, "text": "á" * 100_000}, follow_redirects=False)
    assert huge.status_code == 413 and "demasiado largo" in text_of(huge.text)
    nul = client.post(form, data={**REPLY, "secret": secret, "text": "Un texto con \x00 dentro."},
                      follow_redirects=False)
    assert nul.status_code == 400 and "no es el formulario de esta página" in text_of(nul.text)
    assert client.get(f"{BASE}/notebooks/{notebook['id']}").json()["replies"] == []  # nothing of that published

    sent = client.post(form, data={**REPLY, "secret": secret}, headers={"Origin": "http://testserver"},
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"{HOME}/cuadernos/{notebook['id']}#respuesta"
    assert sent.headers["cache-control"] == "no-store"
    html, words = page(client, sent.headers["location"].split("#")[0])
    reply = words.split("Respuesta de la persona juzgadora", 1)[1]
    assert f"Versión 1, firmada por {REPLY['signed_as']}" in reply
    assert "no corresponden a la mesa de partes." in reply and "Adjunto las constancias." in reply
    again = client.post(form + "?lang=en", data={**REPLY, "secret": secret}, follow_redirects=False)
    assert again.status_code == 409 and "This invitation has already been used" in text_of(again.text)
    assert '<html lang="en">' in again.text and "Reply key" in again.text


def test_the_demo_notebooks_are_public_pages(client) -> None:
    listed = client.get(f"{BASE}/notebooks").json()
    assert listed, "the demo publishes notebooks"
    _, register = page(client, f"{HOME}/cuadernos")
    for notebook in listed:
        assert notebook["judge"]["full_name"] in register
        html, words = page(client, f"{HOME}/cuadernos/{notebook['id']}")
        assert notebook["judge"]["full_name"] in words
        if notebook["withheld"]:
            assert notebook["withheld_reason"] in words and "<svg" not in html
        else:
            assert "<svg" in html
        for reply in notebook["replies"]:
            assert reply["signed_as"] in words
