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


def test_a_large_answer_is_redacted_in_pieces_with_the_event_loop_in_between(monkeypatch):
    import asyncio

    from jupyterlab_qbraid_session import redaction

    secret = "held-secret-1"
    # Dense with the characters every encoded form starts with: the slowest text to search.
    content = b"%41\\u00" * 200_000 + b"%68eld-secret-1" + b"\\u0041%" * 200_000
    yields = 0
    real_sleep = asyncio.sleep

    async def counting_sleep(delay, *args):
        nonlocal yields
        yields += 1
        await real_sleep(delay, *args)

    monkeypatch.setattr(redaction.asyncio, "sleep", counting_sleep)
    redacted = asyncio.run(redaction.redact_in_pieces(content, [secret]))
    assert redacted == redact(content, [secret])
    assert REDACTED.encode() in redacted and b"eld-secret-1" not in redacted
    assert yields >= len(content) // redaction.PIECE - 1


def test_a_secret_across_a_piece_boundary_is_found(monkeypatch):
    import asyncio

    from jupyterlab_qbraid_session import redaction

    monkeypatch.setattr(redaction, "PIECE", 1000)
    secret = "held-secret-1"
    encoded = "".join(f"%25{ord(c):02X}" for c in secret).encode()
    for offset in range(985, 1001):
        content = b"%" * offset + encoded + b"%" * 50
        assert asyncio.run(redaction.redact_in_pieces(content, [secret])) == b"%" * offset + REDACTED.encode() + b"%" * 50
