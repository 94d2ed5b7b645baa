"""Walking the MIME tree once: body text per slot, attachments, and report data.

The walk is bounded (:data:`~.limits.MAX_PARTS` parts, :data:`~.limits.MAX_DEPTH` levels) and
never raises for bad content: what cannot be read becomes a defect note for staff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import bounces
from ..charsets import clean_text, decode_text
from ..tnef import extract_tnef
from . import limits, mime_parts, recovery, reports
from .filenames import guess_type, safe_filename
from .mime_parts import Part, children, content_type, disposition, param, payload_bytes
from .plain_text import extract_uuencoded, unflow
from .result import ParsedAttachment

_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
_BODY_TEXT_TYPES = frozenset({"text/plain", "text/html"})
_HEADERS_AS_TEXT = frozenset({"text/rfc822-headers", "text/rfc822"})


@dataclass
class Slot:
    """One piece of body: a plain and/or HTML rendering of the same content."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)


_MultipartVisitor = Callable[[Part, list[Part], int, "Slot | None", bool], None]


@dataclass
class TreeWalker:
    """Collects body text, attachments and report data while walking the MIME tree."""

    slots: list[Slot] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    attachments_omitted: int = 0
    defects: list[str] = field(default_factory=list)
    parts: int = 0
    too_many_parts: bool = False
    too_deep: bool = False
    unparseable_multipart: bool = False
    report_type: str | None = None
    dsn_blocks: list[dict[str, str]] = field(default_factory=list)
    feedback_fields: dict[str, str] = field(default_factory=dict)
    mdn_fields: dict[str, str] = field(default_factory=dict)
    original_message_id: str | None = None
    original_to: str | None = None
    tnef_seen: bool = False
    text_chars: int = 0
    inline_texts: list[str] = field(default_factory=list)
    # >0 while inside a forwarded message: its reports describe other mail, not ours.
    forward_level: int = 0
    # Some text could not be decoded (U+FFFD stands in): staff should read the raw message.
    lossy: bool = False

    def defect(self, text: str) -> None:
        """Note a problem for staff, once, and at most 50 of them."""
        if text not in self.defects and len(self.defects) < 50:
            self.defects.append(text)

    @property
    def quarantine_reason(self) -> str | None:
        """Why the walk gave up, when it hit a bound."""
        if self.too_many_parts:
            return f"too many MIME parts (more than {limits.MAX_PARTS})"
        if self.too_deep:
            return f"MIME nesting too deep (more than {limits.MAX_DEPTH} levels)"
        return None

    # -- attachments -------------------------------------------------------------------
    def add_attachment(
        self,
        *,
        name: str | None,
        content_type: str,
        content: bytes,
        inline: bool = False,
        content_id: str | None = None,
    ) -> None:
        """Keep a file, or count it as omitted once :data:`~.limits.MAX_ATTACHMENTS` are kept."""
        if len(self.attachments) >= limits.MAX_ATTACHMENTS:
            self.attachments_omitted += 1
            return
        index = len(self.attachments) + 1
        self.attachments.append(
            ParsedAttachment(
                filename=safe_filename(name, index, content_type),
                content_type=content_type,
                content=content,
                size=len(content),
                is_inline=inline,
                content_id=content_id,
            )
        )

    def _attach_part(self, part: Part, ctype: str, *, related: bool = False) -> None:
        cid = mime_parts.content_id(part)
        declared = disposition(part)
        inline = declared == "inline" or (declared is None and (related or bool(cid)))
        self.add_attachment(
            name=mime_parts.filename(part),
            content_type=ctype,
            content=payload_bytes(part),
            inline=inline,
            content_id=cid,
        )

    # -- text ----------------------------------------------------------------------------
    def _text_of(self, part: Part) -> str:
        decoded = decode_text(payload_bytes(part), mime_parts.charset(part))
        for note in decoded.notes():
            self.defect(note)
        self.lossy = self.lossy or decoded.lossy
        text = clean_text(decoded.text)
        remaining = limits.MAX_TEXT_CHARS + limits.MAX_HTML_CHARS - self.text_chars
        if len(text) > remaining:
            text = text[: max(remaining, 0)]
            self.defect("body text was too long and has been truncated")
        self.text_chars += len(text)
        return text

    def _plain_text(self, part: Part) -> str:
        text = self._text_of(part)
        if (param(part, "format") or "").lower() == "flowed":
            text = unflow(text, (param(part, "delsp") or "").lower() == "yes")
        text, files = extract_uuencoded(
            text,
            room=limits.MAX_ATTACHMENTS - len(self.attachments),
            first_index=len(self.attachments) + 1,
        )
        for name, data in files:
            self.add_attachment(name=name, content_type=guess_type(name), content=data)
        return text

    def _new_slot(self) -> Slot:
        slot = Slot()
        self.slots.append(slot)
        return slot

    # -- walking -------------------------------------------------------------------------
    def visit(
        self,
        part: Part,
        depth: int,
        *,
        slot: Slot | None = None,
        in_report: bool = False,
        related: bool = False,
    ) -> None:
        """Walk ``part`` and everything under it, within the part and depth budget."""
        if self._over_budget(depth):
            return
        ctype = content_type(part)
        maintype = ctype.partition("/")[0]
        if maintype == "message":
            self._visit_message(part, ctype, depth, in_report=in_report)
        elif part.is_multipart():
            self._visit_multipart(part, ctype, depth, slot=slot, in_report=in_report)
        elif maintype == "multipart":
            self._recover_multipart(part, depth, slot=slot)
        else:
            self._visit_leaf(part, ctype, slot=slot, in_report=in_report, related=related)

    def _over_budget(self, depth: int) -> bool:
        """Count this part; True (and stop for good) once a bound is passed."""
        if self.too_many_parts or self.too_deep:
            return True
        self.parts += 1
        if self.parts > limits.MAX_PARTS:
            self.too_many_parts = True
        elif depth > limits.MAX_DEPTH:
            self.too_deep = True
        return self.too_many_parts or self.too_deep

    def _visit_leaf(
        self, part: Part, ctype: str, *, slot: Slot | None, in_report: bool, related: bool
    ) -> None:
        if ctype in _HEADERS_AS_TEXT and in_report:
            found = bounces.original_id_from_headers_text(self._text_of(part))
            self.original_message_id = self.original_message_id or found
            return
        declared = disposition(part)
        name = mime_parts.filename(part)
        if ctype in _TNEF_TYPES or (name or "").lower() == "winmail.dat":
            self._visit_tnef(part, ctype)
            return
        is_body_text = ctype in _BODY_TEXT_TYPES and declared != "attachment" and not name
        if is_body_text and self._add_body_text(part, ctype, slot=slot, related=related):
            return
        if ctype == "text/plain" and declared != "attachment" and not related:
            # Inline text with a file name: shown as the body if nothing else is.
            self.inline_texts.append(self._plain_text(part))
        self._attach_part(part, ctype, related=related)

    def _add_body_text(self, part: Part, ctype: str, *, slot: Slot | None, related: bool) -> bool:
        """Put a text part into the body; False if it is a related file instead."""
        plain = ctype == "text/plain"
        if not related:
            target = slot if slot is not None else self._new_slot()
            if plain:
                target.plain.append(self._plain_text(part))
            else:
                target.html.append(self._text_of(part))
            return True
        if slot is not None and not slot.html and not slot.plain:
            # The root of a multipart/related that was not first (a "start" parameter).
            (slot.plain if plain else slot.html).append(self._text_of(part))
            return True
        return False

    # -- multipart -----------------------------------------------------------------------
    def _visit_multipart(
        self, part: Part, ctype: str, depth: int, *, slot: Slot | None, in_report: bool
    ) -> None:
        kids = children(part)
        if not kids:
            self.defect(f"{ctype} part has no parts")
            return
        visitors: dict[str, _MultipartVisitor] = {
            "multipart/alternative": self._visit_alternative,
            "multipart/related": self._visit_related,
            "multipart/report": self._visit_report,
            "multipart/signed": self._visit_signed,
            "multipart/encrypted": self._visit_encrypted,
        }
        visitors.get(ctype, self._visit_mixed)(part, kids, depth, slot, in_report)

    def _visit_mixed(
        self, part: Part, kids: list[Part], depth: int, slot: Slot | None, in_report: bool
    ) -> None:
        for child in kids:
            self.visit(child, depth + 1, slot=slot, in_report=in_report)

    def _visit_alternative(
        self, part: Part, kids: list[Part], depth: int, slot: Slot | None, in_report: bool
    ) -> None:
        target = slot if slot is not None else self._new_slot()
        for child in kids:
            self.visit(child, depth + 1, slot=target, in_report=in_report)

    def _visit_related(
        self, part: Part, kids: list[Part], depth: int, slot: Slot | None, in_report: bool
    ) -> None:
        root_index = _related_root(part, kids)
        target = slot if slot is not None else self._new_slot()
        self.visit(kids[root_index], depth + 1, slot=target, in_report=in_report)
        for index, child in enumerate(kids):
            if index != root_index:
                self.visit(child, depth + 1, slot=target, in_report=in_report, related=True)

    def _visit_report(
        self, part: Part, kids: list[Part], depth: int, slot: Slot | None, in_report: bool
    ) -> None:
        if self.report_type is None and not in_report and not self.forward_level:
            self.report_type = (param(part, "report-type") or "").lower() or "unknown"
        for child in kids:
            self.visit(child, depth + 1, slot=slot, in_report=True)

    def _visit_signed(
        self, part: Part, kids: list[Part], depth: int, slot: Slot | None, in_report: bool
    ) -> None:
        self.visit(kids[0], depth + 1, slot=slot, in_report=in_report)
        for child in kids[1:]:
            self._attach_part(child, content_type(child))
            self.parts += 1

    def _visit_encrypted(
        self, part: Part, kids: list[Part], depth: int, slot: Slot | None, in_report: bool
    ) -> None:
        self.defect("the message is encrypted; its content cannot be shown")
        for child in kids:
            self._attach_part(child, content_type(child))
            self.parts += 1

    def _recover_multipart(self, part: Part, depth: int, *, slot: Slot | None) -> None:
        """A multipart whose boundary never appears: find the real boundary, or keep text."""
        raw = payload_bytes(part)
        if not raw.strip():
            self.unparseable_multipart = True
            self.defect("an empty multipart section (no parts, no text) was ignored")
            return
        boundary = recovery.find_boundary(raw)
        if boundary is not None:
            if self._visit_recovered(recovery.reparse(raw, boundary), depth, slot):
                return
        elif text := recovery.plain_text_fallback(raw):
            self.defect("declared multipart but no MIME parts were found; body kept as text")
            target = slot if slot is not None else self._new_slot()
            target.plain.append(text[: limits.MAX_TEXT_CHARS])
            return
        self.unparseable_multipart = True
        self.defect("the multipart body could not be parsed (no parseable parts)")

    def _visit_recovered(self, kids: list[Part], depth: int, slot: Slot | None) -> bool:
        """Walk parts found with the real boundary; True if they gave any body text."""
        if not kids:
            return False
        self.defect(
            "the body did not use its declared MIME boundary; "
            "parts were recovered using the boundary found in the body"
        )
        before = len(self.slots), self.text_chars
        for child in kids:
            self.visit(child, depth + 1, slot=slot)
        return (len(self.slots), self.text_chars) != before

    # -- message/* -----------------------------------------------------------------------
    def _visit_message(self, part: Part, ctype: str, depth: int, *, in_report: bool) -> None:
        kids = children(part)
        embedded = kids[0] if kids else None
        if self.forward_level and ctype in reports.REPORT_PARTS:
            self._attach_part(part, ctype)
        elif ctype == "message/delivery-status":
            self.dsn_blocks.extend(reports.delivery_status_blocks(part, kids))
        elif ctype == "message/feedback-report":
            self.feedback_fields = reports.report_fields(part, embedded)
        elif ctype == "message/disposition-notification":
            self.mdn_fields = reports.report_fields(part, embedded)
        elif embedded is None:
            self._attach_part(part, ctype)
        elif in_report or ctype.endswith("-headers"):
            self._visit_returned_original(embedded, ctype)
        else:
            self._visit_forwarded(embedded, depth)

    def _visit_returned_original(self, embedded: Part, ctype: str) -> None:
        """The message (or its headers) a report sends back: remember what it was."""
        message_id, to = reports.original_id_and_recipient(mime_parts.raw_headers(embedded))
        if message_id and self.original_message_id is None:
            self.original_message_id = message_id
        if to and self.original_to is None:
            self.original_to = to
        if not ctype.endswith("-headers"):
            self.add_attachment(
                name="original-message.eml",
                content_type=ctype,
                content=mime_parts.message_bytes(embedded),
            )

    def _visit_forwarded(self, embedded: Part, depth: int) -> None:
        """A forwarded message: show its headers and text in the body, list its files."""
        self._new_slot().plain.append(reports.forwarded_summary(mime_parts.raw_headers(embedded)))
        self.forward_level += 1
        try:
            self.visit(embedded, depth + 1)
        finally:
            self.forward_level -= 1

    def _visit_tnef(self, part: Part, ctype: str) -> None:
        self.tnef_seen = True
        data = payload_bytes(part)
        name = mime_parts.filename(part) or "winmail.dat"
        self.add_attachment(name=name, content_type=ctype, content=data)
        result = extract_tnef(data)
        if result.error:
            self.defect(f"winmail.dat (TNEF) kept as an attachment: {result.error}")
            return
        if result.body or result.html:
            slot = self._new_slot()
            if result.body:
                slot.plain.append(clean_text(result.body))
            if result.html:
                slot.html.append(clean_text(result.html))
        for file_name, content in result.attachments:
            self.add_attachment(name=file_name, content_type=guess_type(file_name), content=content)


def _related_root(part: Part, kids: list[Part]) -> int:
    """Index of a multipart/related's root: the part its "start" names, else the first."""
    start = param(part, "start")
    if not start:
        return 0
    for index, child in enumerate(kids):
        cid = mime_parts.raw_header(child, "content-id") or ""
        if cid.strip() == start.strip():
            return index
    return 0
