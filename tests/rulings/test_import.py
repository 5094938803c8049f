"""Importing rulings from files as a coordinator would: a PDF (with a text layer, a scan without one, encrypted,
broken), and batches in CSV and JSONL answered with a report per line where accepted lines stay."""

from __future__ import annotations

import csv
import io
import json

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from tests.rulings.conftest import MUNI, TEXT, World
from tests.test_app import assert_error_shape

PDF_TEXT = ("SENTENCIA\nVISTOS: la demanda de la señora Ana Torres Inga, con DNI N° 45678912, sobre el funda-\n"
            "mento de la pretensión.\nFALLO: infundada.")


def _pdf(text: str | None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if text is not None:
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    else:
        pdf.rect(20, 20, 100, 60, style="F")  # a scan: drawing, no text
    return bytes(pdf.output())


def _post(world: World, ruling_id: str, body: bytes, content_type: str = "application/pdf"):
    return world.client.post(f"{MUNI}/rulings/{ruling_id}/texts", content=body,
                             headers={**world.reviewer, "Content-Type": content_type})


def test_pdf_upload(world: World) -> None:
    ruling = world.import_ruling(text=None)
    response = _post(world, ruling["id"], _pdf(PDF_TEXT))
    assert response.status_code == 201, response.text
    assert response.json()["source"] == "pdf"
    text = world.client.get(f"{MUNI}/rulings/{ruling['id']}/texts/{response.json()['id']}",
                            headers=world.reviewer).json()["text"]
    assert "fundamento\nde la pretensión" in text  # the line-end hyphenation joined
    findings = world.client.get(f"{MUNI}/rulings/{ruling['id']}/findings", headers=world.reviewer).json()
    assert {"dni", "person_name"} <= {f["category"] for f in findings}
    # the same PDF again is not a new version
    again = _post(world, ruling["id"], _pdf(PDF_TEXT))
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]


def test_pdfs_refused_in_words(world: World) -> None:
    ruling = world.import_ruling(text=None)
    error = assert_error_shape(_post(world, ruling["id"], _pdf(None)), 422, "pdf_no_text")
    assert "escaneo" in error["message"]
    assert_error_shape(_post(world, ruling["id"], b"%PDF-1.4\nthis is not really a pdf"), 422, "pdf_unreadable")
    assert_error_shape(_post(world, ruling["id"], b"GIF89a not a pdf"), 422, "pdf_unreadable")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf(PDF_TEXT))))
    writer.encrypt("secreta")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    assert_error_shape(_post(world, ruling["id"], encrypted.getvalue()), 422, "pdf_encrypted")
    assert_error_shape(_post(world, ruling["id"], _pdf(PDF_TEXT), "application/msword"), 415,
                       "unsupported_media_type_of")
    # nothing was stored by the refusals
    assert world.client.get(f"{MUNI}/rulings/{ruling['id']}/texts", headers=world.reviewer).json() == []


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["case_number", "court", "kind", "matter", "outcome", "filed_on",
                                             "ruled_on", "judges", "parties", "text"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_csv_batch_reports_each_line_and_keeps_the_good_ones(world: World) -> None:
    row = {"case_number": "00200-2025", "court": "Juzgado de Prueba Primero Civil", "kind": "sentencia",
           "matter": "civil", "outcome": "fundada", "filed_on": "2025-01-02", "ruled_on": "2025-05-02",
           "judges": "Segundo Ticona Torres:ponente", "parties": "demandante:person; demandado:organisation",
           "text": TEXT}
    rows = [row,
            {**row, "case_number": "00201-2025", "court": "Juzgado que no existe"},
            {**row, "case_number": "00202-2025", "matter": "astrología"},
            {**row, "case_number": "00203-2025", "text": "Primera línea\nsegunda línea del auto de Juan Pérez Soto.",
             "kind": "auto"},
            row,
            {**row, "text": TEXT + "\nAdenda."},
            {**row, "case_number": "00204-2025", "text": ""}]
    url = f"{MUNI}/audit-projects/{world.project_id}/rulings/import"
    response = world.client.post(url, content=_csv(rows), headers={**world.reviewer, "Content-Type": "text/csv"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["accepted"], report["duplicates"], report["new_versions"], report["errors"]) == (2, 1, 1, 3)
    statuses = [(line["status"], line["field"], line["code"]) for line in report["lines"]]
    assert statuses == [("accepted", None, None), ("error", "court", "court_not_found"),
                        ("error", "matter", "enum"), ("accepted", None, None), ("duplicate", None, None),
                        ("new_version", None, None), ("error", "text", "ruling_text_empty")]
    lines = [line["line"] for line in report["lines"]]
    per_record = TEXT.count("\n") + 1  # each record's quoted text spans lines: a line number is where it starts
    assert lines[:3] == [2, 2 + per_record, 2 + 2 * per_record]
    assert all(line["message"] for line in report["lines"] if line["status"] == "error")
    listed = world.client.get(f"{MUNI}/rulings", params={"project_id": world.project_id},
                              headers=world.reviewer).json()
    assert sorted(r["case_number"] for r in listed) == ["00200-2025", "00203-2025"]
    first = next(r for r in listed if r["case_number"] == "00200-2025")
    assert first["outcome"] == "upheld" and first["original"]["number"] == 2 and first["original"]["source"] == "csv"
    assert_error_shape(world.client.post(url, content=b"a,b\n1,2\n",
                                         headers={**world.reviewer, "Content-Type": "text/csv"}),
                       422, "rulings_csv_header")
    assert_error_shape(world.client.post(url, content=_csv([row]),
                                         headers={**world.auditor, "Content-Type": "text/csv"}),
                       403, "audit_team_required")


def test_jsonl_batch(world: World) -> None:
    good = world.ruling_body(case_number="00300-2025")
    lines = [json.dumps(good), "{not json", json.dumps([1, 2]), "",
             json.dumps({**good, "case_number": "00301-2025", "judges": [{"judge_id": world.court_id}]}),
             json.dumps({**good, "case_number": "00302-2025", "ruled_on": "2025-13-01"})]
    response = world.client.post(f"{MUNI}/audit-projects/{world.project_id}/rulings/import",
                                 content="\n".join(lines).encode(),
                                 headers={**world.reviewer, "Content-Type": "application/jsonl"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert [(line["line"], line["status"], line["code"]) for line in report["lines"]] == [
        (1, "accepted", None), (2, "error", "rulings_jsonl_line_invalid"), (3, "error", "rulings_jsonl_line_invalid"),
        (5, "error", "judge_not_found"), (6, "error", "date_from_datetime_parsing")]
    assert report["lines"][3]["field"] == "judges.0.judge_id"
    assert report["lines"][4]["field"] == "ruled_on"
