"""Import and redaction throughput of the rulings domain: rulings per second on one core, for plain text and for
PDF, measured at two levels (docs/rulings.md, "Throughput"):

- pipeline: canonical form + the detector (patterns, spaCy names, rules) on one ruling, no database;
- import: the whole service call a JSON or PDF import makes (`records.create_ruling` / `add_original`: canonical
  form, SHA-256, detection, rows for the ruling, its text and findings, the audit-log entry), each ruling in its
  own transaction, on a throwaway SQLite + SpatiaLite database migrated and loaded with the demo fixtures.

    python bench/rulings_import.py [--rulings 40] [--words 1500] [--seed 7]

The synthetic rulings are made of passages of the labelled redaction sample (tests/rulings/redaction_sample.jsonl)
joined until the wanted length, so that they hold personal data of every category. One process: the figures are
per core (the work is CPU-bound; N workers give about N times as many).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import db, fixtures, migrate  # noqa: E402
from server.auth import service as auth  # noqa: E402
from server.config import Settings, configure_settings  # noqa: E402
from server.municipalities import service as municipalities  # noqa: E402
from server.rulings import courts, importing, projects, records, redaction, service  # noqa: E402
from server.rulings.codelists import CourtLevel, Speciality, TextSource  # noqa: E402
from server.rulings.schemas import CourtCreate, ProjectCreate, RulingCreate  # noqa: E402
from server.rulings.text import canonical  # noqa: E402

SAMPLE = ROOT / "tests" / "rulings" / "redaction_sample.jsonl"
HEADINGS = ["VISTOS:", "ANTECEDENTES:", "CONSIDERANDO:", "FUNDAMENTOS:", "FALLO:"]


def synthetic_rulings(count: int, words: int, seed: int) -> list[str]:
    passages = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    texts = []
    for number in range(count):
        parts = [f"EXPEDIENTE N° {10000 + number:05d}-2025-0-1001-JR-CI-01\n\nSENTENCIA N° {number + 1}"]
        total = 0
        heading = 0
        while total < words:
            if heading < len(HEADINGS) and rng.random() < 0.3:
                parts.append(HEADINGS[heading])
                heading += 1
            passage = rng.choice(passages)
            parts.append(passage)
            total += len(passage.split())
        texts.append("\n\n".join(parts))
    return texts


def pdf_of(text: str) -> bytes:
    """A PDF with a text layer (fpdf2; DejaVu Sans when installed, else Helvetica with Latin-1 text)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if font.exists():
        pdf.add_font("dejavu", fname=str(font))
        pdf.set_font("dejavu", size=10)
    else:
        pdf.set_font("helvetica", size=10)
        text = text.encode("latin-1", "replace").decode("latin-1")
    pdf.multi_cell(0, 5, text)
    return bytes(pdf.output())


def rate(seconds: list[tuple[float, float]]) -> str:
    """Rulings per second of wall time and of CPU time (the second is per core, whatever else the machine runs)."""
    wall = sum(w for w, _ in seconds)
    cpu = sum(c for _, c in seconds)
    median = sorted(w for w, _ in seconds)[len(seconds) // 2]
    return (f"{len(seconds) / wall:6.1f} rulings/s wall, {len(seconds) / cpu:6.1f} rulings/s per core (CPU time); "
            f"median {median * 1000:6.1f} ms")


class Clock:
    """Wall and CPU time of a block, appended to a list."""

    def __init__(self, into: list[tuple[float, float]]) -> None:
        self.into = into

    def __enter__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc: object) -> None:
        self.into.append((time.perf_counter() - self.wall, time.process_time() - self.cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rulings", type=int, default=40)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    texts = synthetic_rulings(args.rulings, args.words, args.seed)
    pdfs = [pdf_of(text) for text in texts]
    print(f"{args.rulings} synthetic rulings of about {args.words} words; spaCy model: "
          f"{'es_core_news_sm' if redaction.ner_model() is not None else 'absent (rules)'}")

    # pipeline only
    pipeline_text, pipeline_pdf = [], []
    ner_only: list[tuple[float, float]] = []
    model = redaction.ner_model()
    for text, pdf in zip(texts, pdfs):
        with Clock(pipeline_text):
            redaction.detect(canonical(text), own_case_numbers=[text.split("\n")[0][14:]])
        with Clock(pipeline_pdf):
            extracted, _ = importing.text_from_upload("application/pdf", pdf)
            redaction.detect(canonical(extracted))
        if model is not None:
            with Clock(ner_only):
                model(canonical(text))
    print(f"pipeline, text: {rate(pipeline_text)}")
    print(f"pipeline, PDF:  {rate(pipeline_pdf)}")
    if ner_only:
        print(f"  of which spaCy NER alone: {rate(ner_only)}")

    # the whole import through the service, on a throwaway database
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as folder:
        settings = configure_settings(Settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
                                               vigia_env="test", redis_url=None, log_level="WARNING"))
        engine = db.make_engine(settings)
        migrate.upgrade(engine)
        database = db.configure(db.Database(engine))
        with database.session_scope() as session:
            fixtures.load(session)
        with database.session_scope() as session:
            token = auth.issue_token(session, email="admin@vigia.example", device_name="bench")
        with database.session_scope() as session:
            actor = auth.authenticate(session, token=token)
            municipality = municipalities.get_by_code(session, "10005")
            court = courts.create_court(session, actor=actor, municipality=municipality, data=CourtCreate(
                name="Juzgado de banco de pruebas", level=CourtLevel.first_instance, speciality=Speciality.civil))
            project = projects.create_project(session, actor=actor, municipality=municipality, data=ProjectCreate(
                name="Proyecto de banco de pruebas", period_starts_on=date(2025, 1, 1),
                period_ends_on=date(2025, 12, 31)))
            court_id, project_id = court.id, project.id
        imported_text, imported_pdf = [], []
        for number, (text, pdf) in enumerate(zip(texts, pdfs)):
            for kind, seconds in (("text", imported_text), ("pdf", imported_pdf)):
                with Clock(seconds), database.session_scope() as session:
                    municipality = municipalities.get_by_code(session, "10005")
                    project = service.get_project(session, municipality, project_id)
                    data = RulingCreate(court_id=court_id, case_number=f"B-{kind}-{number}", kind="sentencia",
                                        matter="civil", ruled_on=date(2025, 6, 1))
                    if kind == "text":
                        records.create_ruling(session, actor=actor, municipality=municipality, project=project,
                                              data=data, text=text, source=TextSource.text)
                    else:
                        ruling, _ = records.create_ruling(session, actor=actor, municipality=municipality,
                                                          project=project, data=data, text=None,
                                                          source=TextSource.pdf)
                        extracted, source = importing.text_from_upload("application/pdf", pdf)
                        records.add_original(session, actor=actor, municipality=municipality, ruling_id=ruling.id,
                                             text=extracted, source=source)
        engine.dispose()
    print(f"import, text:   {rate(imported_text)}  (SQLite + SpatiaLite)")
    print(f"import, PDF:    {rate(imported_pdf)}  (SQLite + SpatiaLite)")


if __name__ == "__main__":
    main()
