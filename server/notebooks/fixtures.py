"""Demo data of the judicial-ruling audit, part 3 of 3 (server/demo/rulings.json; parts 1 and 2 are
server/rulings/fixtures.py and server/annotations/fixtures.py): the judges' notebooks for 2025, computed from the
adjudicated demo rulings, reviewed and published by the project's reviewer through the notebooks service, and the
judge's reply where the demo file has one (through a reply invitation, as a judge without an account replies).
With the default minimum of 10 rulings, one notebook shows its figures (12 rulings) and one is withheld (8).
Before them, the CourTools questionnaires and the court users' answers at the four demo courts in 2025
(server/notebooks/demo_surveys.py), which each notebook shows for its judge's courts.

Idempotent: a notebook for that judge and period already there is left as it is (and so are the surveys).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from server.municipalities import service as municipalities
from server.notebooks import demo_surveys, service
from server.notebooks.models import InvitationCreate, NotebookCreate, ReplyCreate
from server.rulings import fixtures as ruling_fixtures


def load(session: Session, path: Path, report: dict[str, Counter[str]], calendar: Any = None) -> None:
    document = ruling_fixtures.read(path)
    if document is None:
        return
    code = document["municipality"]
    municipality = municipalities.get_by_code(session, code)
    reviewer = ruling_fixtures.actor(session, next(m["email"] for m in document["project"]["team"]
                                                   if m["role"] == "reviewer"))
    project_id = ruling_fixtures.project_id(code, document)
    coordinator = ruling_fixtures.actor(session, next(m["email"] for m in document["project"]["team"]
                                                      if m["role"] == "coordinator"))
    report["surveys"] = demo_surveys.load(session, actor=coordinator, municipality=municipality,
                                          court_ids=[ruling_fixtures.demo_id(code, "court", court["key"])
                                                     for court in document["courts"]])
    counts: Counter[str] = Counter()
    for item in document.get("notebooks", []):
        judge_id = ruling_fixtures.judge_id(code, item["judge"])
        starts_on, ends_on = date.fromisoformat(item["period_starts_on"]), date.fromisoformat(item["period_ends_on"])
        existing = [notebook for notebook, _ in service.list_(session, actor=reviewer, municipality=municipality,
                                                              judge_id=judge_id, project_id=project_id)
                    if (notebook.period_starts_on, notebook.period_ends_on) == (starts_on, ends_on)]
        if existing:
            counts["unchanged"] += 1
            continue
        notebook, _ = service.compute_notebook(
            session, actor=reviewer, municipality=municipality, project_id=project_id,
            data=NotebookCreate(judge_id=judge_id, period_starts_on=starts_on, period_ends_on=ends_on))
        notebook = service.review(session, actor=reviewer, municipality=municipality, notebook_id=notebook.id,
                                  version=notebook.version, note=item.get("review_note"))
        notebook = service.publish(session, actor=reviewer, municipality=municipality, notebook_id=notebook.id,
                                   version=notebook.version)
        if "reply" in item:
            _, secret = service.invite(session, actor=reviewer, municipality=municipality, notebook_id=notebook.id,
                                       data=InvitationCreate(days=30))
            service.reply(session, municipality=municipality, notebook_id=notebook.id,
                          data=ReplyCreate(secret=secret, **item["reply"]))
        counts["created"] += 1
    report["notebooks"] = counts

