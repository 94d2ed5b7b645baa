"""Helpers for the inbound email parser tests, which need no database and no Django settings.

The project-wide autouse fixtures ask for pytest-django's ``settings``. When that plugin is
switched off (``-p no:django``) a stand-in is provided here, so these pure tests run either way.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC
from pathlib import Path

import pytest

from channels.inbound_email.bounces import KINDS
from channels.inbound_email.parsing import MAX_SUBJECT_CHARS, NO_TEXT, ParsedEmail

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "emails"
# The shared corpus sits beside the repository (in development and in CI), never inside it.
# EMAIL_CORPUS points elsewhere (a worktree whose parent does not hold it).
CORPUS = Path(os.environ.get("EMAIL_CORPUS") or REPO_ROOT.parent / "shared" / "email-corpus")
CORPUS_MARKER = "email_corpus"


def corpus_required() -> bool:
    """Under CI=true or REQUIRE_REAL_SERVICES=1 a missing corpus is a failure, never a skip:
    otherwise a misconfigured runner would pass while ~130 email tests silently did nothing."""
    ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    return ci or os.environ.get("REQUIRE_REAL_SERVICES") == "1"


def corpus_missing() -> str | None:
    """Why the shared corpus cannot be read, with how to provide it; None when it is there."""
    if (CORPUS / "INDEX.md").is_file():
        return None
    return (
        f"the shared email corpus is not at {CORPUS} (no INDEX.md there): set EMAIL_CORPUS "
        "to its directory, or put it at ../shared/email-corpus beside the repository"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{CORPUS_MARKER}: needs the shared email corpus (EMAIL_CORPUS or "
        "../shared/email-corpus); skipped without it, failed under CI=true or "
        "REQUIRE_REAL_SERVICES=1",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``email_corpus`` skip without the corpus (unless it is required)."""
    reason = _missing_for(item)
    if reason is not None and not corpus_required():
        pytest.skip(reason)


def pytest_runtest_call(item: pytest.Item) -> None:
    """...and fail, as the test itself, where it is required (runs before the test body)."""
    reason = _missing_for(item)
    if reason is not None:
        pytest.fail(f"{reason} (required under CI=true or REQUIRE_REAL_SERVICES=1)", pytrace=False)


def _missing_for(item: pytest.Item) -> str | None:
    return corpus_missing() if item.get_closest_marker(CORPUS_MARKER) is not None else None


_BAD_CHARS = re.compile(r"[\x00\ud800-\udfff]")


class _SettingsStandIn:
    """Accepts any setting read or write; unknown settings read as empty dicts."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        value: dict = {}
        setattr(self, name, value)
        return value


if "pytest_django" not in sys.modules:

    @pytest.fixture
    def settings():
        """Stand-in for pytest-django's ``settings`` when the plugin is disabled."""
        return _SettingsStandIn()


def _strings(parsed: ParsedEmail):
    yield "subject", parsed.subject
    yield "from_name", parsed.from_name
    yield "text_body", parsed.text_body
    yield "new_text", parsed.new_text
    yield "dedupe_key", parsed.dedupe_key
    for name in ("message_id", "from_address", "reply_to", "html_body", "quarantine_reason"):
        value = getattr(parsed, name)
        if value is not None:
            yield name, value
    for name in ("to_addresses", "cc_addresses", "in_reply_to", "references", "auto_reasons"):
        for value in getattr(parsed, name):
            yield name, value
    for value in [*parsed.defects, *parsed.unverified_reasons]:
        yield "notes", value
    for attachment in parsed.attachments:
        yield "filename", attachment.filename
        yield "content_type", attachment.content_type
    if parsed.bounce is not None:
        for name in ("recipient", "status", "action", "original_message_id", "diagnostic"):
            value = getattr(parsed.bounce, name)
            if value is not None:
                yield f"bounce.{name}", value


def assert_storable(parsed: ParsedEmail) -> None:
    """Invariants every result must keep, whatever the input: the database can store it."""
    assert isinstance(parsed, ParsedEmail)
    for name, value in _strings(parsed):
        assert isinstance(value, str), name
        assert not _BAD_CHARS.search(value), f"{name} has a NUL or lone surrogate: {value[:80]!r}"
        value.encode("utf-8")
    assert len(parsed.subject) <= MAX_SUBJECT_CHARS
    assert "\n" not in parsed.subject and "\r" not in parsed.subject
    assert parsed.kind in KINDS
    assert parsed.text_body, "text_body is never empty"
    assert parsed.new_text, "new_text is never empty"
    if parsed.text_body == NO_TEXT:
        assert parsed.new_text == NO_TEXT
    if parsed.message_id:
        assert parsed.dedupe_key == parsed.message_id
        assert "<" not in parsed.message_id and ">" not in parsed.message_id
    else:
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", parsed.dedupe_key)
    if parsed.date is not None:
        assert parsed.date.tzinfo is not None
        assert parsed.date.utcoffset() == UTC.utcoffset(None)
    if parsed.from_address is not None:
        local, _, domain = parsed.from_address.rpartition("@")
        assert local and domain == domain.lower()
    if parsed.kind != "message" or parsed.auto_reasons or parsed.quarantine_reason:
        assert parsed.suppress_reply
    if parsed.from_address is None or parsed.from_ambiguous:
        assert parsed.suppress_reply
    for index, attachment in enumerate(parsed.attachments, start=1):
        name = attachment.filename
        assert name and "/" not in name and "\\" not in name, name
        assert name not in {".", ".."} and not name.startswith("."), name
        assert not re.search(r"[\x00-\x1f\x7f]", name), name
        assert attachment.size == len(attachment.content)
        assert isinstance(attachment.content, bytes)
        assert "/" in attachment.content_type
        assert index <= 100


# Database and real-server fixtures for the channel's ingest, IMAP, webhook and outbound tests.
from tests.channels.inbound_email.servers import dovecot, mail_settings, smtp_server  # noqa: E402,F401

if "pytest_django" in sys.modules:  # staff fixtures for the held-mail pages (need Django)
    from tests.enquiries.staff.helpers import signed_in, world  # noqa: F401
