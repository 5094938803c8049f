"""Fuzzing: schemathesis over /openapi.json against the application (in process, through ASGI: the same app
`vigia serve` runs, its middleware and error handling included), anonymously and signed in as a demo municipal
administrator (with the Vigia-Device header of that sign-in), on the demo database, rolled back afterwards.

Every operation of the document gets generated requests, valid for its schemas (positive) and invalid
(negative), with the path parameters pinned to real demo ids so that requests reach the handlers instead of
stopping at "no such municipality". Each answer is checked: no 5xx, a status the operation declares, a content
type it declares, and a body that validates against the declared schema. Bounded and reproducible: a fixed
number of examples per operation and mode, derandomized (the same requests every run), no deadline, no
shrinking. VIGIA_FUZZ_EXAMPLES changes the number of examples (e.g. 50 for a longer run by hand).

The last run's figures (operations, requests, failures) are printed and written to var/fuzz-<backend>.json.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from tests.factories import DEMO
from tests.live import ROOT
from tests.sync.helpers import sign_in
from tests.test_openapi import demo_ids

EXAMPLES = int(os.environ.get("VIGIA_FUZZ_EXAMPLES", "4"))
CHECKS = [schemathesis.checks.not_a_server_error, openapi_checks.status_code_conformance,
          openapi_checks.content_type_conformance, openapi_checks.response_schema_conformance]
# Operations left out as the signed-in caller: they would end the session the fuzzer uses.
SKIP_SIGNED_IN = {"logout", "revoke_device"}
STAFF = "admin@vigia.example"


@schemathesis.serializer("application/offset+octet-stream")
def _tus_bytes(ctx, value: Any) -> bytes:
    """The bytes of a tus PATCH or creation-with-upload, as generated (schemathesis knows octet-stream only)."""
    return value if isinstance(value, bytes) else str(value).encode()


def _failure(case, response, error: BaseException) -> str:
    return (f"{case.method} {case.formatted_path} -> {response.status_code}: "
            f"{str(error).strip()[:600]}\n  {case.as_curl_command()[:600]}")


# The generated requests, made once per run: derandomized generation gives the same ones every time, so they
# are replayed for each caller and each database instead of being generated four times (generation is most of
# the cost). Path parameters are set to each database's demo ids when a request is sent.
_GENERATED: dict[str, Any] = {}
PLACEHOLDER = {"code": DEMO, "response_format": "json", "upload_id": "0" * 32}


def _collector(strategy: Any, name: str, cases: list[tuple[str, Any]]) -> Any:
    """A Hypothesis test that only keeps what `strategy` generates (sent later, for each caller and database)."""

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def collect(case: Any) -> None:
        cases.append((name, case))

    return collect


def generated(app) -> dict[str, Any]:
    """{"cases": [(operationId, case)], "operations": n, "failures": [...]} (generation that failed)"""
    if _GENERATED:
        return _GENERATED
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    cases: list[tuple[str, Any]] = []
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        name = operation.definition.raw.get("operationId", operation.label)
        names = re.findall(r"{([^}]+)}", operation.path)
        path_parameters = {part: PLACEHOLDER.get(part, str(uuid.UUID(int=0))) for part in names}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            collect = _collector(operation.as_strategy(generation_mode=mode, path_parameters=path_parameters),
                                 name, cases)
            try:
                collect()
            except Unsatisfiable:
                pass  # nothing of this operation can be made invalid (no body, query or free path parameter)
            except Exception as error:
                failures.append(f"{operation.label} ({mode.value}): could not generate: {error!r}"[:600])
    _GENERATED.update(cases=cases, operations=operations, failures=failures)
    return _GENERATED


def fuzz(app, client, headers: dict[str, str], skip: set[str]) -> dict[str, Any]:
    """Every generated request of every operation (but `skip`), sent and checked; the figures and failures."""
    ids = {**demo_ids(client, sign_in(client, STAFF).headers), "response_format": "json"}
    made = generated(app)
    figures: dict[str, Any] = {"operations": 0, "requests": 0, "server_errors": 0,
                               "failures": list(made["failures"])}
    names = set()
    for name, case in made["cases"]:
        if name in skip:
            continue
        names.add(name)
        case.path_parameters = {**(case.path_parameters or {}),
                                **{key: ids[key] for key in (case.path_parameters or {}) if key in ids}}
        response = case.call(headers=headers, app=app)
        figures["requests"] += 1
        if response.status_code >= 500:
            figures["server_errors"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as error:  # recorded: one failure does not stop the run
            if len(figures["failures"]) < 200:
                figures["failures"].append(_failure(case, response, error))
    figures["operations"] = len(names)
    return figures


def _record(backend: str, who: str, figures: dict[str, Any], seconds: float) -> None:
    out = ROOT / "var" / f"fuzz-{backend}.json"
    out.parent.mkdir(exist_ok=True)
    previous = json.loads(out.read_text()) if out.exists() else {}
    previous[who] = {**{k: v for k, v in figures.items() if k != "failures"}, "failures": len(figures["failures"]),
                     "examples_per_operation_and_mode": EXAMPLES, "seconds": round(seconds, 1)}
    out.write_text(json.dumps(previous, indent=2) + "\n")
    print(f"fuzz {backend} {who}: {previous[who]}")


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_no_request_gets_a_5xx_or_an_answer_the_document_does_not_promise(app, client, backend, who) -> None:
    headers: dict[str, str] = {}
    skip: set[str] = set()
    if who == "staff":
        headers = sign_in(client, STAFF, name="fuzzer").headers
        skip = SKIP_SIGNED_IN
    started = time.monotonic()
    figures = fuzz(app, client, headers, skip)
    _record(backend.name, who, figures, time.monotonic() - started)
    assert figures["operations"] >= 100 and figures["requests"] >= figures["operations"] * EXAMPLES // 2
    assert figures["server_errors"] == 0 and not figures["failures"], (
        f"{figures['server_errors']} server errors, {len(figures['failures'])} failures:\n"
        + "\n".join(figures["failures"][:40]))
