"""Reading service requests: the demo complaints in every workflow state, filters, formats and errors."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from server.complaints.models import Complaint
from tests.factories import demo_day
from tests.open311.conftest import BASE, open311_error, xml_of

DEMO_IDS = [f"0192f000-0000-7000-8000-0000000000{n:02d}" for n in range(1, 17)]
# Vigía's eleven states behind Open311's two (docs/open311.md): a referred complaint is closed here.
EXPECTED = {
    "received": "open", "needs_clarification": "open", "admitted": "open", "under_investigation": "open",
    "extended": "open", "reopened": "open",
    "inadmissible": "closed", "referred": "closed", "resolved": "closed", "closed": "closed", "withdrawn": "closed",
}
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]


def _demo(session) -> dict[str, Complaint]:
    rows = session.scalars(sa.select(Complaint).where(Complaint.id.in_([uuid.UUID(i) for i in DEMO_IDS]))).all()
    return {row.folio: row for row in rows}


def test_every_workflow_state_maps_to_open_or_closed(client, session, schemas) -> None:
    demo = _demo(session)
    assert {row.state for row in demo.values()} == set(EXPECTED), "the demo has a complaint in every state"
    response = client.get(f"{BASE}/requests.json?jurisdiction_id=10005&service_request_id=" + ",".join(demo))
    requests = response.json()
    schemas.validate("requests.json", requests)
    assert len(requests) == 16
    for request in requests:
        complaint = demo[request["service_request_id"]]
        assert request["status"] == EXPECTED[complaint.state], complaint.state
        assert list(request) == REQUEST_FIELDS
        assert request["agency_responsible"] == "Contraloría Municipal de Durango"
        assert request["expected_datetime"].startswith(complaint.due_on.isoformat())
        if complaint.public_answer and complaint.kind != "report" and not complaint.confidential:
            assert request["status_notes"].endswith(complaint.public_answer)
        if complaint.kind == "report" or complaint.confidential:  # docs/privacy.md: category, state, dates only
            assert (request["description"], request["lat"], request["address"], request["media_url"]) == (
                None, None, None, None)
            assert complaint.public_answer is None or complaint.public_answer not in request["status_notes"]
    by_state = {demo[r["service_request_id"]].state: r for r in requests}
    assert by_state["resolved"]["status_notes"].startswith(("Resuelta (fundada). ", "Resuelta (infundada). "))
    assert by_state["received"]["status_notes"] == "Recibida"
    assert by_state["needs_clarification"]["service_notice"].startswith("Se pidió una aclaración")
    assert "debe responder a más tardar" in by_state["admitted"]["service_notice"]
    assert by_state["closed"]["service_notice"] is None
    english = client.get(f"{BASE}/requests.json?jurisdiction_id=10005&service_request_id=" + ",".join(demo),
                         headers={"Accept-Language": "en"}).json()
    assert {r["status_notes"].split(".")[0] for r in english} >= {"Received", "Under investigation (extended)",
                                                                  "Resolved (upheld)", "Withdrawn"}


def test_one_request_by_folio_or_uuid_in_json_and_xml(client, session, schemas) -> None:
    folio, complaint = next((f, c) for f, c in _demo(session).items() if c.state == "resolved" and c.outcome ==
                            "upheld")
    by_folio = client.get(f"{BASE}/requests/{folio}.json?jurisdiction_id=10005").json()
    schemas.validate("requests.json", by_folio)
    by_uuid = client.get(f"{BASE}/requests/{complaint.id}.json?jurisdiction_id=10005").json()
    assert by_folio == by_uuid and len(by_folio) == 1
    request = by_folio[0]
    assert (request["service_request_id"], request["status"]) == (folio, "closed")
    assert request["updated_datetime"] < datetime.now(timezone.utc).isoformat()  # when it was resolved
    assert request["media_url"].startswith("http://testserver/api/v1/municipalities/10005/photos/")
    photo = client.get(request["media_url"])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"

    root = xml_of(client.get(f"{BASE}/requests/{folio}.xml?jurisdiction_id=10005"))
    assert root.tag == "service_requests" and [child.tag for child in root] == ["request"]
    assert [child.tag for child in root[0]] == REQUEST_FIELDS
    assert root[0].find("status").text == "closed" and root[0].find("zipcode").text is None
    assert float(root[0].find("lat").text) == request["lat"]
    token = client.get(f"{BASE}/tokens/{folio}.json?jurisdiction_id=10005").json()
    schemas.validate("#/definitions/TokenResponse", token)
    assert token == [{"service_request_id": folio, "token": folio}]
    token_xml = xml_of(client.get(f"{BASE}/tokens/{complaint.id}.xml?jurisdiction_id=10005"))
    assert token_xml.find("request/service_request_id").text == folio

    open311_error(client.get(f"{BASE}/requests/10005-2026-999999.json?jurisdiction_id=10005"), 404, "999999")
    open311_error(client.get(f"{BASE}/requests/{folio}.xml?jurisdiction_id=10007"), 404, folio, xml=True)
    open311_error(client.get(f"{BASE}/tokens/nada.json?jurisdiction_id=10005"), 404)


def test_the_list_defaults_to_the_last_90_days(client, session, schemas) -> None:
    from tests.factories import complaint_body

    since = datetime.now(timezone.utc) - timedelta(days=90)
    fresh, stale = (client.post("/api/v1/municipalities/10005/complaints", json=complaint_body(anonymous=True))
                    .json()["complaint"] for _ in range(2))
    backdated = session.get(Complaint, uuid.UUID(stale["id"]))
    backdated.created_at = since - timedelta(days=3650)  # long before any window the other tests look at
    session.flush()
    recent = {f for f, c in _demo(session).items() if c.created_at >= since} | {fresh["folio"]}
    listed = client.get(f"{BASE}/requests.json?jurisdiction_id=10005").json()
    schemas.validate("requests.json", listed)
    folios = {r["service_request_id"] for r in listed}
    assert folios >= recent and stale["folio"] not in folios
    assert all(datetime.fromisoformat(r["requested_datetime"]) >= since - timedelta(seconds=1) for r in listed)
    assert [r["requested_datetime"] for r in listed] == sorted((r["requested_datetime"] for r in listed),
                                                               reverse=True)


def test_the_list_filters(client, session) -> None:
    demo = _demo(session)
    # The demo's first three months, as written in server/demo/complaints.json, where the demo was loaded.
    start, end = demo_day(session, "2026-06-01"), demo_day(session, "2026-08-29")
    window = f"&start_date={start}T00:00:00-06:00&end_date={end}"
    old = client.get(f"{BASE}/requests.json?jurisdiction_id=10005{window}").json()
    expected_old = {f for f, c in demo.items() if c.received_on <= end}
    assert len(expected_old) >= 4 and {r["service_request_id"] for r in old} == expected_old
    opened = client.get(f"{BASE}/requests.json?jurisdiction_id=10005&status=open{window}").json()
    closed = client.get(f"{BASE}/requests.json?jurisdiction_id=10005&status=closed{window}").json()
    both = client.get(f"{BASE}/requests.json?jurisdiction_id=10005&status=open,closed{window}").json()
    repeated = client.get(f"{BASE}/requests.json?jurisdiction_id=10005&status=open&status=closed{window}").json()
    assert {r["status"] for r in opened} == {"open"} and {r["status"] for r in closed} == {"closed"}
    assert len(opened) + len(closed) == len(both) == len(repeated) == len(old)
    coded = client.get(f"{BASE}/requests.json?jurisdiction_id=10005&service_code=obra-paralizada{window}").json()
    assert {r["service_code"] for r in coded} == {"obra-paralizada"} and coded
    # An unencoded '+' in an offset arrives as a space: still understood.
    plus = client.get(f"{BASE}/requests.json?jurisdiction_id=10005&start_date={start}T00:00:00+00:00"
                      f"&end_date={end}T23:59:59+00:00").json()
    assert {r["service_request_id"] for r in plus} == expected_old
    root = xml_of(client.get(f"{BASE}/requests.xml?jurisdiction_id=10005&status=closed{window}"))
    assert {request.find("status").text for request in root.findall("request")} == {"closed"}


def test_bad_filters_are_400(client) -> None:
    url = f"{BASE}/requests.json?jurisdiction_id=10005"
    open311_error(client.get(url + "&status=pending"), 400, "pending")
    open311_error(client.get(url + "&start_date=ayer"), 400, "ayer")
    open311_error(client.get(url + "&start_date=2026-01-01&end_date=2026-06-01"), 400, "90")
    open311_error(client.get(url + "&start_date=2026-06-01&end_date=2026-05-01"), 400, "end_date")
    english = client.get(url + "&status=pending", headers={"Accept-Language": "en"})
    assert open311_error(english, 400).startswith("status takes open, closed")
    open311_error(client.get(f"{BASE}/requests.xml?jurisdiction_id=10005&status=x"), 400, "x", xml=True)
    assert client.get(url + "&service_code=no-existe").json() == []


def test_no_reporter_data_of_the_demo_in_any_answer(client, session) -> None:
    demo = _demo(session)
    ids = ",".join(demo)
    texts = [client.get(f"{BASE}/requests.{fmt}?jurisdiction_id=10005&service_request_id={ids}").text
             for fmt in ("json", "xml")]
    for reporter in ("voluntaria@vigia.example", "comite@vigia.example", "Rosa Elena Quiñones", "Joaquín Salas"):
        assert all(reporter not in text for text in texts)
    for complaint in demo.values():
        if complaint.reporter_id:
            assert all(str(complaint.reporter_id) not in text for text in texts)
