"""The wording of every update: admin-edited NotificationTemplate rows, falling back to files.

A kind's file, ``templates/notifications/kinds/<kind>.txt``, starts with a ``Subject:`` line and a
``---`` line, then the body; ``<kind>.sms.txt`` (optional) is the shorter text-message body. The
layouts around the body (greeting, reference, expected date, tracking and opt-out links) are
files only, so an edit in the admin can never drop the opt-out link.
"""

import contextlib
from dataclasses import dataclass
from typing import Any, cast

from django.template import TemplateDoesNotExist
from django.template.backends.django import Template
from django.template.loader import get_template

from enquiries.models import NotificationTemplate
from enquiries.template_text import compiled

DEFAULT_KIND = "update"
#: What admins can pick; routing rules may name further kinds (acknowledgement templates).
KNOWN_KINDS = (
    "received",
    "open",
    "in_progress",
    "awaiting_resident",
    "resolved",
    "reopened",
    "closed",
    "auto_answer",
    "reply",
    "expected_date_changed",
    "transferred",
    "merged",
    "still_on_track",
    "digest",
    "tracking_link",
    "escalation",
    "not_sorted",
)


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


def _source(name: str) -> str:
    """A template file's text (the Django backend's templates keep it)."""
    return cast(Template, get_template(name)).template.source


def _file_wording(kind: str, medium: str) -> tuple[str, str] | None:
    """(subject source, body source) from the files, or None when the kind has no file."""
    try:
        source = _source(f"notifications/kinds/{kind}.txt")
    except TemplateDoesNotExist:
        return None
    subject, body = "", source
    first, _, rest = source.partition("\n")
    if first.startswith("Subject:"):
        subject = first.removeprefix("Subject:").strip()
        body = rest.split("---\n", 1)[1] if rest.startswith("---\n") else rest
    if medium == "sms":
        with contextlib.suppress(TemplateDoesNotExist):
            body = _source(f"notifications/kinds/{kind}.sms.txt")
    return subject, body


def _sources(kind: str, medium: str, fallback_kind: str) -> tuple[str, str]:
    """An active admin row wins, then the files; an unknown kind falls back (e.g. to "open")."""
    candidates = list(dict.fromkeys([kind, fallback_kind, DEFAULT_KIND]))
    rows = {
        (row.kind, row.medium): row
        for row in NotificationTemplate.objects.filter(kind__in=candidates, is_active=True)
    }
    for candidate in candidates:
        row = rows.get((candidate, medium))
        email_row = rows.get((candidate, "email"))
        found = _file_wording(candidate, medium)
        if row is None and email_row is None and found is None:
            continue
        subject = (email_row.subject if email_row else "") or (found[0] if found else "")
        if row is not None:
            body = row.body
        elif found is not None:
            body = found[1]
        else:
            body = email_row.body  # type: ignore[union-attr]
        return subject or "An update on your enquiry", body
    return "An update on your enquiry", "{{ text }}"


def render(
    kind: str, medium: str, context: dict[str, Any], *, fallback_kind: str = DEFAULT_KIND
) -> Wording:
    """Subject (with the case reference) and full body, laid out for the medium."""
    subject_src, body_src = _sources(kind, medium, fallback_kind)
    subject = " ".join(compiled(subject_src).render(context).split())
    reference = context["case"].reference if context.get("case") is not None else ""
    if reference and reference not in subject:
        subject = f"{subject} [{reference}]"
    message = compiled(body_src).render(context).strip()
    layout = {
        "email": "notifications/email_layout.txt",
        "sms": "notifications/sms_layout.txt",
        "staff": "notifications/staff_layout.txt",
    }[medium]
    body = get_template(layout).render({**context, "message": message, "subject": subject})
    return Wording(subject=subject[:255], body=_tidy(body))


def render_html(subject: str, body: str) -> str:
    """The HTML alternative of an email: the plain text, escaped, with links made clickable."""
    return get_template("notifications/email.html").render({"subject": subject, "body": body})


def _tidy(text: str) -> str:
    """At most one blank line in a row, no trailing spaces: templates stay readable."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"
