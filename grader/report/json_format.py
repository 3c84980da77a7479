"""The JSON view of a `Result`: a stable, versioned schema, documented in docs/json-schema.md and
machine-readable in docs/result.schema.json.

Keys are only ever added within a schema version; renaming or removing one bumps it.
"""

from __future__ import annotations

import json
from typing import Any

from grader.scoring import RESULT_SCHEMA_VERSION, Result


def result_to_dict(result: Result) -> dict[str, Any]:
    return {
        "schema_version": RESULT_SCHEMA_VERSION,
        "challenge": result.challenge,
        "title": result.title,
        "score": result.score,
        "max_score": result.max_score,
        "passed": result.passed,
        "interpreter": {
            "executable": result.interpreter.executable,
            "version": result.interpreter.version,
            "free_threaded_build": result.interpreter.free_threaded_build,
            "gil_disabled": result.interpreter.gil_disabled,
        },
        "stress": {
            "threads": result.stress.threads,
            "rounds": result.stress.rounds,
            "seed": result.stress.seed,
        },
        "sandbox": result.sandbox,
        "duration_s": result.duration_s,
        "groups": [
            {
                "id": group.id,
                "title": group.title,
                "score": group.score,
                "max_score": group.max_score,
                "passed": group.passed,
            }
            for group in result.groups
        ],
        "tests": [
            {
                "name": test.name,
                "group": test.group,
                "status": str(test.status),
                "score": round(test.score, 4),
                "max_score": round(test.max_score, 4),
                "duration_s": test.duration_s,
                "message": test.message,
            }
            for test in result.tests
        ],
        "notes": list(result.notes),
        "output": result.output,
        "output_truncated": result.output_truncated,
        "tampered": result.tampered,
        "tamper_evidence": list(result.tamper_evidence),
        "import_error": result.import_error,
    }


def render_json(result: Result) -> str:
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False)
