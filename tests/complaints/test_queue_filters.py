"""The comptroller's queue through HTTP (docs/complaints.md, "The queue"): its order, every filter, the search by
folio or words (any case, any accent), closed complaints out of the default view, counts, and keyset pages that
neither repeat nor skip a complaint while the queue changes between them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa

from server.auth import service as auth
from server.complaints import service
from server.complaints.models import Complaint
from server.complaints.workflow import OPEN_STATES
from tests.factories import bearer, complaint_body, municipality, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"
OPEN = {state.value for state in OPEN_STATES}


def staff(session, email: str = "contraloria@vigia.example") -> dict[str, str]:
    return bearer(token_for(session, email))


def get(client, session, **params) -> dict:
    response = client.get(BASE, headers=staff(session), params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return response.json()


def file(client, **fields) -> dict:
    response = client.post(BASE, json=complaint_body(anonymous=True, **fields))
    assert response.status_code == 201, response.text
    return response.json()["complaint"]


def set_due(session, complaint_id: str, days: int) -> None:
    complaint = session.get(Complaint, uuid.UUID(complaint_id))
    complaint.due_on = service.today_in(municipality(session)) + timedelta(days=days)
    session.flush()


def test_overdue_first_then_due_soon_then_the_rest(client, session) -> None:
    soon, later, waiting = file(client), file(client), file(client)
    set_due(session, soon["id"], 2)
    set_due(session, later["id"], 40)
    moved = client.post(f"{BASE}/{waiting['id']}/transitions", headers=staff(session), json={
        "to": "needs_clarification", "reason": "Falta la dirección", "public_answer": "¿En qué calle está?"})
    assert moved.status_code == 200, moved.text
    items = get(client, session)["items"]

    def group(item: dict) -> int:
        if item["overdue"]:
            return 0
        return 1 if item["business_days_left"] is not None else 2

    groups = [group(item) for item in items]
    assert groups == sorted(groups) and set(groups) == {0, 1, 2}, groups
    for wanted in (0, 1):  # inside overdue and running: the earliest due date first
        dues = [item["due_on"] for item in items if group(item) == wanted]
        assert dues == sorted(dues)
    ids = [item["id"] for item in items]
    assert ids.index(soon["id"]) < ids.index(later["id"]) < ids.index(waiting["id"])
    assert items[0]["overdue"] and items[0]["business_days_left"] < 0
    # what the desk shows in words
    first = items[0]
    assert first["state_label"] and first["kind_label"] in ("Queja", "Denuncia", "Solicitud de información",
                                                            "Sugerencia")
    assert first["priority_label"] in ("Urgente", "Alta", "Normal", "Baja")
    english = client.get(BASE, headers={**staff(session), "Accept-Language": "en"}).json()["items"][0]
    assert english["priority_label"] in ("Urgent", "High", "Normal", "Low")
    kinds = client.get("/api/v1/complaints/vocabulary", headers={"Accept-Language": "en"}).json()["kinds"]
    assert english["kind_label"] == {word["code"]: word["label"] for word in kinds}[english["kind"]]


def test_closed_complaints_are_out_of_the_default_view(client, session) -> None:
    default = get(client, session)
    everything = get(client, session, include_closed="true")
    closed = [item for item in everything["items"] if item["state"] not in OPEN]
    assert closed, "the demo has resolved, closed and withdrawn complaints"
    assert {item["state"] for item in default["items"]} <= OPEN
    assert default["total"] == len(default["items"]) == len(everything["items"]) - len(closed)
    # their tabs still count them, and choosing one shows them
    assert default["counts"]["closed"] == sum(1 for item in closed if item["state"] == "closed") >= 1
    chosen = get(client, session, state="closed")
    assert [item["state"] for item in chosen["items"]] == ["closed"] * default["counts"]["closed"]
    both = get(client, session, state=["resolved", "received"])
    assert {item["state"] for item in both["items"]} == {"resolved", "received"}
    assert both["total"] == default["counts"]["resolved"] + default["counts"]["received"]


def test_each_filter(client, session) -> None:
    headers = staff(session)
    me = auth.get_by_email(session, "contraloria@vigia.example")
    admin = auth.get_by_email(session, "admin@vigia.example")
    work = client.get("/api/v1/municipalities/10005/works?limit=1").json()["items"][0]
    mine, theirs, linked = file(client), file(client), file(client, work_id=work["id"], kind="report")
    signed = client.post(BASE, json=complaint_body(category="obra-paralizada"),
                         headers=bearer(token_for(session, "voluntaria@vigia.example")))
    assert signed.status_code == 201
    for complaint, person in ((mine, me), (theirs, admin)):
        response = client.patch(f"{BASE}/{complaint['id']}", headers=headers,
                                json={"version": 1, "assignee_id": str(person.id)})
        assert response.status_code == 200, response.text

    def ids(**params) -> list[str]:
        return [item["id"] for item in get(client, session, **params)["items"]]

    assigned_to_me = get(client, session, assignee="me")["items"]
    assert [item["id"] for item in assigned_to_me] == [mine["id"]]
    assert assigned_to_me[0]["assigned_to_me"] and assigned_to_me[0]["assignee_name"] == me.full_name
    assert ids(assignee=str(admin.id)) == [theirs["id"]]
    nobody = get(client, session, assignee="unassigned")["items"]
    assert nobody and all(item["assignee_id"] is None for item in nobody)
    assert mine["id"] not in [i["id"] for i in nobody] and linked["id"] in [i["id"] for i in nobody]
    error = assert_error_shape(client.get(BASE, headers=headers, params={"assignee": "fulano"}), 422,
                               "validation_error")
    assert [detail["field"] for detail in error["details"]] == ["assignee"] and "fulano" in error["details"][0][
        "message"]

    assert ids(work_id=work["id"]) == [linked["id"]]
    reports = get(client, session, kind="report")["items"]
    assert linked["id"] in [i["id"] for i in reports] and {i["kind"] for i in reports} == {"report"}
    stalled = get(client, session, category="obra-paralizada")["items"]
    assert signed.json()["complaint"]["id"] in [i["id"] for i in stalled]
    assert {i["category"] for i in stalled} == {"obra-paralizada"}
    anonymous = get(client, session, anonymous="true")["items"]
    signed_only = get(client, session, anonymous="false")["items"]
    assert anonymous and {i["anonymous"] for i in anonymous} == {True}
    assert signed.json()["complaint"]["id"] in [i["id"] for i in signed_only]
    assert {i["anonymous"] for i in signed_only} == {False}
    assert len(anonymous) + len(signed_only) == get(client, session)["total"]
    zone = mine_zone = get(client, session, q=mine["folio"])["items"][0]["zone_code"]
    assert zone, "the factory's point lies in Zona Centro"
    in_zone = get(client, session, zone=mine_zone)["items"]
    assert mine["id"] in [i["id"] for i in in_zone] and {i["zone_code"] for i in in_zone} == {zone}
    assert get(client, session, zone="10005-NO-EXISTE")["items"] == []


def test_search_by_folio_or_words_in_any_case_and_accent(client, session) -> None:
    accented = file(client, description="Cobro indebido: piden un CRÉDITO para la Pavimentación de la calle Ñandú.")
    plain = file(client, description="Nos cobraron un credito por la pavimentacion, sin recibo.")
    other = file(client)

    def found(q: str) -> list[str]:
        return [item["id"] for item in get(client, session, q=q)["items"]]

    for words in ("crédito pavimentación", "CREDITO PAVIMENTACION", "Crédito", "credito"):
        assert {accented["id"], plain["id"]} <= set(found(words)), words
        assert other["id"] not in found(words)
    assert found("ñandu") == [accented["id"]] and found("NANDÚ") == [accented["id"]]
    assert found("crédito inexistente") == []  # every word must be there
    assert found("100%") == [] and found("_") == []  # LIKE's wildcards are plain characters
    # folios: whole, the beginning of one, or the number alone
    assert found(plain["folio"]) == [plain["id"]]
    number = str(int(plain["folio"].rsplit("-", 1)[1]))
    assert plain["id"] in found(number)
    beginning = plain["folio"][:-1]
    assert plain["id"] in found(beginning) and all(
        item["folio"].startswith(beginning) or beginning in item["description"]
        for item in get(client, session, q=beginning)["items"])
    # counts follow the search
    page = get(client, session, q="crédito pavimentación")
    assert page["counts"]["received"] == page["total"] == 2


def test_keyset_pages_neither_repeat_nor_skip_with_equal_due_dates(client, session) -> None:
    word = "zarzamora"
    filed = [file(client, description=f"Banqueta rota número {n}, junto a la {word}.") for n in range(7)]
    for complaint in filed:  # the same due date, priority and day of receipt: only the id tells them apart
        set_due(session, complaint["id"], 3)
    headers = staff(session)
    for order in ("due", "priority", "received", "-received"):
        whole = [item["id"] for item in get(client, session, q=word, order=order)["items"]]
        assert sorted(whole) == sorted(c["id"] for c in filed)
        seen, cursor = [], None
        for _ in range(10):  # a cursor that does not move on fails here instead of looping
            params = {"q": word, "order": order, "limit": 3, **({"cursor": cursor} if cursor else {})}
            page = client.get(BASE, headers=headers, params=params).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == whole, order
    # the queue changes between two pages: the first row leaves the view, a new complaint comes in
    whole = [item["id"] for item in get(client, session, q=word)["items"]]
    first = client.get(BASE, headers=headers, params={"q": word, "limit": 3}).json()
    assert [item["id"] for item in first["items"]] == whole[:3]
    moved = client.post(f"{BASE}/{whole[0]}/transitions", headers=headers, json={
        "to": "inadmissible", "reason": "Duplicada", "public_answer": "Ya se atiende en otra queja."})
    assert moved.status_code == 200
    newcomer = file(client, description=f"Otra banqueta rota junto a la {word}.")
    set_due(session, newcomer["id"], 1)  # sorts before the cursor: it belongs to a page already read
    second = client.get(BASE, headers=headers, params={"q": word, "limit": 3, "cursor": first["next_cursor"],
                                                       "counts": "false"}).json()
    assert [item["id"] for item in second["items"]] == whole[3:6]  # with offset=3 one would be skipped
    assert second["counts"] is None and second["total"] == 7


def test_a_cursor_not_made_here_is_refused_in_words(client, session) -> None:
    headers = staff(session)
    page = client.get(BASE, headers=headers, params={"limit": 2}).json()
    for cursor in ("no-es-un-cursor", page["next_cursor"][:-4], page["next_cursor"] + "x"):
        error = assert_error_shape(client.get(BASE, headers=headers, params={"cursor": cursor}), 422,
                                   "invalid_cursor")
        assert error["message"] == "El cursor de paginación no es válido."
    other_order = client.get(BASE, headers=headers, params={"cursor": page["next_cursor"], "order": "priority"})
    assert_error_shape(other_order, 422, "invalid_cursor")
    both = client.get(BASE, headers=headers, params={"cursor": page["next_cursor"], "offset": 2})
    assert [d["field"] for d in assert_error_shape(both, 422, "validation_error")["details"]] == ["offset"]


def test_a_queue_row_leaves_the_timeline_to_the_complaints_own_view(client, session) -> None:
    """A page of the queue is a list: its rows carry what the desk's table shows and the moves, not each
    complaint's timeline (null), which the complaint's own view has; the page reads no timeline entries."""
    filed = file(client)
    read: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        read.append(statement)

    bind = session.get_bind()
    sa.event.listen(bind, "before_cursor_execute", note)
    try:
        rows = get(client, session)["items"]
    finally:
        sa.event.remove(bind, "before_cursor_execute", note)
    row = next(r for r in rows if r["id"] == filed["id"])
    assert row["updates"] is None
    assert read and not [s for s in read if "complaint_updates" in s], read
    own = client.get(f"{BASE}/{filed['id']}", headers=staff(session)).json()
    assert [u["to_state"] for u in own["updates"]] == ["received"]
    for field in ("folio", "state_label", "moves", "version", "due_on", "business_days_left", "photos"):
        assert row[field] == own[field], field


def test_the_queue_is_for_staff_only(client, session) -> None:
    assert client.get(BASE).status_code == 401
    volunteer = client.get(BASE, headers=staff(session, "voluntaria@vigia.example"))
    assert_error_shape(volunteer, 403, volunteer.json()["error"]["code"])
    assert client.get(BASE, headers=staff(session, "contraloria.gomez@vigia.example")).status_code == 403


def test_the_vocabulary_in_spanish_and_english(client) -> None:
    es = client.get("/api/v1/complaints/vocabulary")  # public: no sign-in
    en = client.get("/api/v1/complaints/vocabulary", headers={"Accept-Language": "en"})
    assert es.status_code == en.status_code == 200
    assert "public" in es.headers["cache-control"] and "accept-language" in es.headers["vary"].lower()
    words, english = es.json(), en.json()

    def labels(section: str, data: dict) -> dict[str, str]:
        return {word["code"]: word["label"] for word in data[section]}

    assert labels("states", words)["admitted"] == "Admitida" and labels("states", english)["admitted"] == "Admitted"
    assert labels("states", words)["received"] == "Recibida"
    assert labels("kinds", words)["report"] == "Denuncia" and labels("kinds", english)["report"] == "Report of wrongdoing"
    assert list(labels("priorities", words)) == ["urgent", "high", "normal", "low"]
    assert labels("priorities", words)["high"] == "Alta" and labels("priorities", english)["high"] == "High"
    assert labels("outcomes", words)["upheld"] == "Fundada"
    for section in ("states", "kinds", "priorities", "outcomes", "moves"):
        for data in (words, english):  # never a code where words belong
            assert all(word["label"] and word["label"] != word["code"] for word in data[section]), section
    moves = {move["code"]: move for move in words["moves"]}
    assert moves["admit"]["to_state"] == "admitted" and moves["admit"]["from_states"] == [
        "received", "needs_clarification"]
    assert moves["resolve"]["public_answer"] == "required" and moves["resolve"]["fields"] == ["outcome"]
    assert labels("moves", english)["admit"] != labels("moves", words)["admit"]
    received = next(state for state in words["states"] if state["code"] == "received")
    assert received["open"] and received["term_runs"] and "admit" in received["moves"]
    assert "withdraw" not in moves  # only the reporter withdraws


def test_keyset_pages_across_running_and_paused_terms(client, session) -> None:
    """The default order reads complaints whose term runs, then the rest: a page may hold both, and a cursor may
    sit in either part."""
    word = "ciruelo"
    filed = [file(client, description=f"Bache profundo junto al {word} número {n}.") for n in range(5)]
    for complaint in filed[:2]:
        moved = client.post(f"{BASE}/{complaint['id']}/transitions", headers=staff(session), json={
            "to": "needs_clarification", "reason": "Falta la calle", "public_answer": "¿En qué calle está?"})
        assert moved.status_code == 200
    whole = get(client, session, q=word)["items"]
    assert [item["state"] for item in whole] == ["received"] * 3 + ["needs_clarification"] * 2
    for limit in (1, 2, 3, 4):
        seen, cursor = [], None
        for _ in range(10):  # a cursor that does not move on fails here instead of looping
            params = {"q": word, "limit": limit, **({"cursor": cursor} if cursor else {})}
            page = client.get(BASE, headers=staff(session), params=params).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == [item["id"] for item in whole], limit
