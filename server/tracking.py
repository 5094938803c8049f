"""What a domain tells the change log about the records devices pull (docs/sync.md).

Each domain declares, beside its models (its `changes.py`), one `Pullable` per kind of record a device may pull:
the model that is the record, the models that are parts of it, and how the record's scope (who may pull it) is
found. The change log (server/sync/capture.py) keeps them in a registry that server/assembly.py fills when Vigía
starts, so that this core module, the database layer and the change log import no domain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa


class ScopeKind:
    """Who may read a change-log row: the scope it belongs to."""

    works = "W"  # a municipality's public works (scope_id = municipality)
    forms = "F"  # a municipality's published inspection checklists (scope_id = municipality)
    committee = "C"  # one committee's records (scope_id = committee)
    reporter = "R"  # one person's own complaints (scope_id = user)
    surveys = "Q"  # a municipality's published survey questionnaires (scope_id = municipality)
    annotator = "N"  # one person's own annotation assignments (scope_id = user)


Scope = tuple[uuid.UUID, "uuid.UUID | None"]  # (municipality, scope id); no scope id: nobody pulls the record


@dataclass(frozen=True)
class Pullable:
    """A kind of record devices pull, as the change log needs to know it. A record's scope never changes after
    it is created (a complaint's reporter, a visit's committee, a work's municipality)."""

    entity: str  # the name pulls use ("work", "complaint", ...)
    scope_kind: str  # a ScopeKind
    model: type  # the model that is the record itself (its id is the record's id)
    # SELECT id, municipality_id, scope_id for a list of the record's ids
    scopes: Callable[[list[uuid.UUID]], sa.Select]
    # (municipality, scope id) read from the record's own instance when a flush holds it; None: always looked up
    own_scope: Callable[[Any], Scope] | None = None
    # model of a part of the record -> the record's id, read from the part's instance
    parts: Mapping[type, Callable[[Any], uuid.UUID | None]] = field(default_factory=dict)
