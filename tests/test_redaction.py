"""The server's redaction runs the one table of cases the page's redaction runs too
(tests/cases/redaction.json, read by src/__tests__/redact.spec.ts): both give the same answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_qbraid_session.redaction import REDACTED, redact, redact_text

CASES = json.loads((Path(__file__).parent / "cases" / "redaction.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_shared_table_of_cases(case):
    assert redact_text(case["text"], case["secrets"], "{R}") == case["expected"]


def test_bytes_that_are_not_utf8_pass_through_and_the_secret_is_found():
    content = b"\xff\xfe key=held-secret-1 \x80"
    assert redact(content, ["held-secret-1"]) == b"\xff\xfe key=" + REDACTED.encode() + b" \x80"


def test_a_body_without_the_secret_is_returned_as_it_was():
    content = json.dumps({"data": ["x" * 1000, "%41%42 \\u0041"]}).encode()
    assert redact(content, ["held-secret-1"]) is content or redact(content, ["held-secret-1"]) == content
