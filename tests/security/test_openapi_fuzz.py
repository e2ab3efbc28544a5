"""Schemathesis against the OpenAPI spec, as an operator (the deepest access): a bounded number of
generated requests per operation, no server error and no response that breaks its schema."""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = 5  # per operation: CI time stays bounded (about 90 operations)


def fuzz(app, headers: dict[str, str]) -> tuple[int, list[str]]:
    """How many operations were exercised, and what failed (every operation's, not the first)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case):
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance]
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    return len(operations), failures


def test_no_server_errors_and_no_schema_violations(fuzz_app):
    app, headers = fuzz_app
    exercised, failures = fuzz(app, headers)
    assert exercised > 50
    assert not failures, "\n\n".join(failures)


def test_the_fuzzer_catches_a_crash_and_a_lying_response():
    """The same harness on a small app with both faults finds both."""
    toy = FastAPI()

    @toy.get("/divide/{n}")
    def divide(n: int) -> dict[str, float]:
        return {"half": n / (n - n)}  # crashes on every input

    @toy.get("/count", response_model=dict[str, int])
    def count():
        from fastapi.responses import JSONResponse

        return JSONResponse({"count": "many"})  # not what the schema promises

    exercised, failures = fuzz(toy, {})
    assert exercised == 2
    assert sorted(f.split(":")[0] for f in failures) == ["GET /count", "GET /divide/{n}"]
