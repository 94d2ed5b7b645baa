"""Bounded work: hostile messages are refused or cut short quickly, never hang a worker."""

from __future__ import annotations

import time

import pytest

from channels.inbound_email.parsing import (
    MAX_ATTACHMENTS,
    MAX_DEPTH,
    MAX_MESSAGE_BYTES,
    MAX_PARTS,
    NO_TEXT,
    parse_message,
)

from .conftest import assert_storable

# A guard against hangs (catastrophic backtracking, quadratic walks), not a speed target: the real
# figures are ~0.5 s. It counts this thread's CPU time, so a busy machine cannot make it fail;
# the speed itself is measured in bench/email_ingest.py.
CPU_SECONDS = 10.0


def _timed(raw: bytes):
    started = time.thread_time()
    parsed = parse_message(raw)
    elapsed = time.thread_time() - started
    assert elapsed < CPU_SECONDS, f"took {elapsed:.2f}s of CPU"
    assert_storable(parsed)
    return parsed


def _nested_multipart(depth: int, filler: bytes = b"hi") -> bytes:
    inner = b"Content-Type: text/plain\r\n\r\n" + filler + b"\r\n"
    for level in range(depth):
        boundary = b"b%d" % level
        inner = (
            b"Content-Type: multipart/mixed; boundary=" + boundary + b"\r\n\r\n--" + boundary
            + b"\r\n" + inner + b"\r\n--" + boundary + b"--\r\n"
        )  # fmt: skip
    return b"From: a@example.com\r\nSubject: nest\r\n" + inner


def _nested_rfc822(depth: int) -> bytes:
    raw = b"From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n"
    for _ in range(depth):
        raw = b"From: a@example.com\r\nContent-Type: message/rfc822\r\n\r\n" + raw
    return raw


def test_depth_within_the_limit_is_parsed():
    parsed = _timed(_nested_multipart(MAX_DEPTH - 1))
    assert parsed.quarantine_reason is None
    assert parsed.text_body == "hi"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 20])
def test_deep_multipart_is_quarantined(depth):
    parsed = _timed(_nested_multipart(depth))
    assert "nesting too deep" in parsed.quarantine_reason
    assert parsed.from_address == "a@example.com"


def test_many_boundaries_with_megabytes_of_short_lines_is_refused_before_parsing():
    parsed = _timed(_nested_multipart(60, b"x\r\n" * 1_000_000))
    assert "too many nested multipart sections" in parsed.quarantine_reason
    assert parsed.text_body == NO_TEXT


@pytest.mark.parametrize(("depth", "reason"), [(400, "nesting too deep"), (3000, "too many")])
def test_deep_rfc822_nesting(depth, reason):
    parsed = _timed(_nested_rfc822(depth))
    assert reason in parsed.quarantine_reason


def test_too_many_parts_is_quarantined_early():
    part = b"--z\r\nContent-Type: application/octet-stream\r\n\r\nAAAA\r\n"
    raw = (
        b"From: a@example.com\r\nSubject: parts\r\n"
        b"Content-Type: multipart/mixed; boundary=z\r\n\r\n"
        + part * (MAX_PARTS + 50)
        + b"--z--\r\n"
    )
    parsed = _timed(raw)
    assert "too many MIME parts" in parsed.quarantine_reason
    assert parsed.subject == "parts"


def test_attachment_limit_keeps_the_first_ones_with_a_note():
    part = b"--z\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment\r\n\r\nx\r\n"
    raw = (
        b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n"
        b"--z\r\nContent-Type: text/plain\r\n\r\nbody\r\n" + part * 150 + b"--z--\r\n"
    )
    parsed = _timed(raw)
    assert parsed.quarantine_reason is None
    assert len(parsed.attachments) == MAX_ATTACHMENTS
    assert parsed.attachments_omitted == 50
    assert parsed.attachments[-1].filename == f"attachment-{MAX_ATTACHMENTS}.pdf"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"From: a@example.com\r\n" + b"X-A: b\r\n" * 200_000 + b"\r\nx", id="headers"),
        pytest.param(
            b"From: a@example.com\r\nSubject: " + b"=?utf-8?b?w6k=?= " * 200_000 + b"\r\n\r\nx",
            id="encoded-words",
        ),
        pytest.param(
            b"From: a@example.com\r\nTo: " + b"x@example.com, " * 200_000 + b"\r\n\r\nx",
            id="addresses",
        ),
        pytest.param(b"From: " + b"(" * 100_000 + b"a@example.com\r\n\r\nx", id="comments"),
        pytest.param(
            b"From: a@example.com\r\nContent-Type: text/html\r\n\r\n"
            + b"<div><blockquote><a href='http://x.example'>" * 100_000,
            id="html",
        ),
        pytest.param(
            b"From: a@example.com\r\n\r\n" + b"begin 644 a.txt\n#86)C\n`\nend\n" * 50_000,
            id="uuencode",
        ),
        pytest.param(b"From: a@example.com\r\n\r\n" + b"a" * 3_000_000, id="long-line"),
        pytest.param(b"From: a@example.com\r\n\r\n" + b"On x wrote:\n" * 300_000, id="quotes"),
    ],
)
def test_pathological_inputs_finish_quickly(raw):
    _timed(raw)


def test_message_over_the_size_limit_is_refused_with_its_headers():
    raw = b"From: Big Sender <big@example.com>\r\nSubject: huge\r\n\r\n" + b"x" * (
        MAX_MESSAGE_BYTES + 1
    )
    parsed = _timed(raw)
    assert "message too large" in parsed.quarantine_reason
    assert (parsed.from_address, parsed.subject) == ("big@example.com", "huge")
    assert parsed.text_body == NO_TEXT and parsed.attachments == []
