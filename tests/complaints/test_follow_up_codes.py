"""Follow-up codes a person can read aloud and type (no 0/O, 1/I/l; any case; with or without dashes), codes issued
in the old format still working, and a follow-up that opens from a link: the app's page with folio and code in the
fragment, or a signed link that holds no code and expires. The code never reaches a log."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from server.complaints import filings, reporting
from server.complaints.models import Complaint
from server.db import utcnow
from tests.factories import bearer, complaint_body, municipality, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/complaints"
GROUPED = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{3}(-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{3}){2}$")


def file_anonymous(client, **fields) -> tuple[str, str, dict]:
    response = client.post(BASE, json=complaint_body(anonymous=True, **fields))
    assert response.status_code == 201, response.text
    body = response.json()
    return body["complaint"]["folio"], body["follow_up_code"], body


def follow(client, folio: str, code: str, **headers):
    return client.post(BASE + "/follow-up", json={"folio": folio, "code": code}, headers=headers)


def test_codes_have_no_characters_that_read_two_ways() -> None:
    made = [filings.new_code() for _ in range(500)]
    made += [filings.follow_up_code(uuid.uuid4(), f"key:{n}") for n in range(500)]
    assert all(GROUPED.match(code) for code in made), [c for c in made if not GROUPED.match(c)][:3]
    assert not set("".join(made)) & set("0O1IlLU")
    assert len(set(made)) == len(made)
    assert len(filings.CODE_ALPHABET) ** filings.CODE_LENGTH > 2**44  # the entropy docs/complaints.md states


def test_a_new_code_is_grouped_and_read_in_any_case_with_or_without_dashes(client) -> None:
    folio, code, body = file_anonymous(client)
    assert GROUPED.match(code), code
    bare = code.replace("-", "")
    for typed in (code, code.lower(), bare, bare.lower(), f" {code[:3]} {code[4:7]} {code[8:]} ",
                  code.replace("-", "\u2013"), f"{bare[:4]}-{bare[4:]}"):
        response = follow(client, folio, typed)
        assert response.status_code == 200, (typed, response.text)
        assert response.json()["folio"] == folio
    wrong = bare[:-1] + ("A" if bare[-1] != "A" else "B")
    error = assert_error_shape(follow(client, folio, wrong), 404, "follow_up_not_found")
    assert code not in error["message"]


def test_a_code_issued_in_the_old_format_keeps_working_as_it_was_issued(client, session) -> None:
    folio, _, body = file_anonymous(client)
    old = secrets.token_urlsafe(9)  # what intake gave before: 12 characters of base64url, case-sensitive
    while old.lower() == old or old.upper() == old:
        old = secrets.token_urlsafe(9)
    complaint = session.get(Complaint, uuid.UUID(body["complaint"]["id"]))
    complaint.follow_up_digest = filings.follow_up_digest(folio, old)
    session.flush()
    assert follow(client, folio, old).status_code == 200
    assert follow(client, folio, f"  {old} ").status_code == 200
    assert_error_shape(follow(client, folio, old.swapcase()), 404, "follow_up_not_found")
    information = client.post(BASE + "/information", json={"folio": folio, "code": old,
                                                           "text": "Ya pusieron cinta, pero sigue el hoyo."})
    assert information.status_code == 200, information.text


def test_a_resend_of_a_complaint_filed_with_an_old_code_shows_that_code_again(client, session) -> None:
    payload = complaint_body(anonymous=True, id=str(uuid.uuid4()), device_key="llave-secreta-del-telefono-123")
    first = client.post(BASE, json=payload).json()
    assert GROUPED.match(first["follow_up_code"])
    old = filings.legacy_follow_up_code(uuid.UUID(payload["id"]), "key:" + payload["device_key"])
    complaint = session.get(Complaint, uuid.UUID(payload["id"]))
    complaint.follow_up_digest = filings.follow_up_digest(complaint.folio, old)
    session.flush()
    again = client.post(BASE, json=payload)
    assert again.status_code == 200 and again.json()["follow_up_code"] == old
    assert follow(client, complaint.folio, old).status_code == 200


def test_the_filing_answer_carries_the_apps_page_with_folio_and_code_in_the_fragment(client, session) -> None:
    folio, code, body = file_anonymous(client)
    url = urlsplit(body["follow_up_url"])
    assert (url.scheme, url.netloc, url.path, url.query) == ("", "", "/seguimiento", "")
    assert parse_qs(url.fragment) == {"municipio": ["10005"], "folio": [folio], "codigo": [code]}
    signed_in = client.post(BASE, json=complaint_body(), headers=bearer(token_for(session, "comite@vigia.example")))
    signed_in = signed_in.json()  # not anonymous: followed with the account, no code
    assert signed_in["follow_up_code"] is None and signed_in["follow_up_url"] is None


def test_a_signed_link_opens_the_follow_up_with_a_get_and_holds_no_code(client) -> None:
    folio, code, _ = file_anonymous(client)
    made = client.post(BASE + "/follow-up/link", json={"folio": folio, "code": code.lower().replace("-", "")})
    assert made.status_code == 201, made.text
    link = made.json()
    bare = code.replace("-", "")
    assert code not in link["url"] and bare not in link["url"] and bare.lower() not in link["url"].lower()
    assert "?" not in link["url"] and link["url"].endswith("/follow-up/" + link["token"])
    week = utcnow() + timedelta(days=reporting.FOLLOW_UP_LINK_DAYS)
    assert week - timedelta(minutes=1) <= datetime.fromisoformat(link["expires_at"]) <= week
    opened = client.get(urlsplit(link["url"]).path)
    assert opened.status_code == 200 and opened.json()["folio"] == folio
    assert opened.headers["cache-control"] == "no-store" and opened.headers["referrer-policy"] == "no-referrer"
    assert_error_shape(client.post(BASE + "/follow-up/link", json={"folio": folio, "code": "ZZZ-ZZZ-ZZZ"}), 404,
                       "follow_up_not_found")


def test_a_forged_or_foreign_link_is_refused_in_words(client) -> None:
    folio, code, _ = file_anonymous(client)
    token = client.post(BASE + "/follow-up/link", json={"folio": folio, "code": code}).json()["token"]
    head, expires, mac = token.split(".")
    later = str(int(expires) + 86_400 * 30)
    for forged in (f"{head}.{expires}.{mac[:-2]}{'AA' if mac[-2:] != 'AA' else 'BB'}", f"{head}.{later}.{mac}",
                   f"{head}.{expires}", "nada", f"{head[:-1]}{'8' if head.endswith('9') else '9'}.{expires}.{mac}"):
        error = assert_error_shape(client.get(f"{BASE}/follow-up/{forged}"), 404, "follow_up_link_invalid")
        assert error["message"].startswith("Este enlace de seguimiento no es válido")
    foreign = client.get(f"/api/v1/municipalities/10007/complaints/follow-up/{token}",
                         headers={"Accept-Language": "en"})
    assert assert_error_shape(foreign, 404, "follow_up_link_invalid")["message"].startswith(
        "This follow-up link is not valid")


def test_an_expired_link_is_refused_in_words(client, session) -> None:
    folio, code, _ = file_anonymous(client)
    token, expires_at = reporting.follow_up_link(
        session, municipality=municipality(session), folio=folio, code=code,
        now=utcnow() - timedelta(days=reporting.FOLLOW_UP_LINK_DAYS, seconds=5))
    assert expires_at < utcnow()
    error = assert_error_shape(client.get(f"{BASE}/follow-up/{token}"), 410, "follow_up_link_expired")
    assert "venció" in error["message"] and "7 días" in error["message"]
    fresh, _ = reporting.follow_up_link(session, municipality=municipality(session), folio=folio, code=code,
                                        now=utcnow() - timedelta(days=reporting.FOLLOW_UP_LINK_DAYS - 1))
    assert client.get(f"{BASE}/follow-up/{fresh}").status_code == 200


def test_a_link_dies_with_the_code_it_was_made_for(client, session) -> None:
    folio, code, body = file_anonymous(client)
    token = client.post(BASE + "/follow-up/link", json={"folio": folio, "code": code}).json()["token"]
    complaint = session.get(Complaint, uuid.UUID(body["complaint"]["id"]))
    complaint.follow_up_digest = filings.follow_up_digest(folio, filings.canonical_code(filings.new_code()))
    session.flush()
    assert_error_shape(client.get(f"{BASE}/follow-up/{token}"), 404, "follow_up_link_invalid")


def test_neither_the_code_nor_the_link_ever_reaches_the_log(client, vigia_logs) -> None:
    folio, code, _ = file_anonymous(client)
    bare = code.replace("-", "")
    assert follow(client, folio, code.lower()).status_code == 200
    assert follow(client, folio, "ABC-DEF-GHJ").status_code == 404
    token = client.post(BASE + "/follow-up/link", json={"folio": folio, "code": code}).json()["token"]
    assert client.get(f"{BASE}/follow-up/{token}").status_code == 200
    assert client.get(f"{BASE}/follow-up/{token}x").status_code == 404
    written = "\n".join(json.dumps(line, ensure_ascii=False) for line in vigia_logs.lines)
    mac = token.rsplit(".", 1)[1]
    for secret in (code, bare, bare.lower(), token, mac):
        assert secret not in written
    paths = [line.get("path") for line in vigia_logs.lines if line.get("event") == "request"]
    assert paths.count(f"{BASE}/follow-up/{{token}}") == 2 and f"{BASE}/follow-up/link" in paths


def test_a_phone_replaying_a_complaint_filed_with_an_old_code_is_shown_that_code(client, session) -> None:
    from tests.sync.helpers import complaint_payload, mutation, sign_in

    phone = sign_in(client, "voluntaria@vigia.example")
    sent = mutation("complaint.file", complaint_payload(anonymous=True))
    first = client.post("/api/v1/sync/push", json={"mutations": [sent]}, headers=phone.headers).json()["results"][0]
    assert GROUPED.match(first["data"]["follow_up_code"])
    complaint = session.get(Complaint, uuid.UUID(sent["payload"]["id"]))
    old = filings.legacy_follow_up_code(complaint.id, filings.device_filer(phone.device_id))
    complaint.follow_up_digest = filings.follow_up_digest(complaint.folio, old)
    session.flush()
    replay = client.post("/api/v1/sync/push", json={"mutations": [sent]}, headers=phone.headers).json()["results"][0]
    assert replay["data"]["follow_up_code"] == old
    assert follow(client, complaint.folio, old).status_code == 200
