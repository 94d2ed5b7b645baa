"""HTML email to safe plain text.

Many residents' mail clients send HTML only. Staff pages show the plain text we make here, so
this must drop script/style content, never fetch anything (``cid:`` and remote images are only
described), keep each link's text with its address in brackets, and turn block elements into
line breaks. Quoted history in ``<blockquote>`` is prefixed with ``>`` so reply stripping works
on HTML-only replies too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# html.parser manages about 1 MB a second; longer HTML is converted only in part.
MAX_HTML_TO_TEXT_CHARS = 1_000_000

# Elements whose content is never text for a reader.
_SKIP_CONTENT = frozenset(
    {"script", "style", "head", "title", "template", "noscript", "object", "iframe", "svg",
     "math", "applet", "embed", "frameset", "xml", "o:p"}
)  # fmt: skip
_BLOCK = frozenset(
    {"address", "article", "aside", "center", "dd", "details", "dialog", "div", "dl", "dt",
     "fieldset", "figcaption", "figure", "footer", "form", "header", "main", "nav", "section",
     "summary", "table", "tbody", "thead", "tfoot", "caption", "ul", "ol"}
)  # fmt: skip
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
_SHOWN_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u200b]+")
_MAX_NESTING = 200


class _TextExtractor(HTMLParser):
    """Collects readable text; bounded work per tag, no recursion."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0
        self.quote_depth = 0
        self.links: list[tuple[str, int]] = []
        self.list_depth = 0

    # -- output helpers -------------------------------------------------------------------
    def _text(self, text: str) -> None:
        self.current.append(text)

    def _newline(self, blank: bool = False, force: bool = False) -> None:
        """End the current line; ``blank`` adds a paragraph gap, ``force`` keeps an empty line."""
        line = "".join(self.current)
        self.current = []
        line = line.rstrip() if self.pre_depth else _SPACES.sub(" ", line).strip()
        if line:
            self.lines.append("> " * min(self.quote_depth, 10) + line)
        elif force and self.lines and self.lines[-1] != "":
            self.lines.append("")
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    # -- parser callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if self._skips_start(tag) or self._start_block(tag):
            return
        self._start_inline(tag, {name.lower(): (value or "") for name, value in attrs})

    def _skips_start(self, tag: str) -> bool:
        """Track content never shown (head, script, style); True if this tag adds nothing."""
        if tag == "body":
            # Broken mail often leaves <head> unclosed; the body is always readable text.
            self.skip_depth = 0
            return True
        if tag in _SKIP_CONTENT:
            if tag not in _VOID:
                self.skip_depth = min(self.skip_depth + 1, _MAX_NESTING)
            return True
        return bool(self.skip_depth)

    def _start_block(self, tag: str) -> bool:
        """Line breaks for paragraphs, quotes, lists and tables; False for any other tag."""
        if tag == "br":
            self._newline(force=True)
        elif tag in _PARAGRAPH:
            self._start_paragraph(tag)
        elif tag == "blockquote":
            self._newline(blank=True)
            self.quote_depth = min(self.quote_depth + 1, _MAX_NESTING)
        elif tag == "li":
            self._newline()
            self._text("- ")
        elif tag in {"ul", "ol"}:
            self._newline()
            self.list_depth += 1
        elif tag in {"td", "th"}:
            self._text(" ")
        elif tag in _BLOCK or tag == "tr":
            self._newline()
        else:
            return False
        return True

    def _start_paragraph(self, tag: str) -> None:
        self._newline(blank=True)
        if tag == "hr":
            self._text("----")
            self._newline(blank=True)
        elif tag == "pre":
            self.pre_depth = min(self.pre_depth + 1, _MAX_NESTING)

    def _start_inline(self, tag: str, attributes: dict[str, str]) -> None:
        """Remember where a link's text starts; show an image's alt text."""
        if tag == "a":
            if len(self.links) < _MAX_NESTING:
                href = attributes.get("href", "").strip()
                self.links.append((href, len("".join(self.current))))
        elif tag == "img":
            alt = " ".join(attributes.get("alt", "").split())
            if alt:
                self._text(f"[{alt}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _SKIP_CONTENT:
            if self.skip_depth:
                self.skip_depth -= 1
            return
        if self.skip_depth:
            return
        if tag in _PARAGRAPH:
            if tag == "pre" and self.pre_depth:
                self._newline()
                self.pre_depth -= 1
            self._newline(blank=True)
        elif tag == "blockquote":
            self._newline(blank=True)
            if self.quote_depth:
                self.quote_depth -= 1
        elif tag in {"ul", "ol"}:
            self._newline(blank=self.list_depth <= 1)
            self.list_depth = max(0, self.list_depth - 1)
        elif tag in _BLOCK or tag in {"li", "tr"}:
            self._newline()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.current)[start:]
            self._append_link(href, text)

    def _append_link(self, href: str, text: str) -> None:
        if not href.lower().startswith(_SHOWN_SCHEMES):
            return
        shown = href[7:] if href.lower().startswith("mailto:") else href
        label = " ".join(text.split())
        # A link with no visible text (an image without alt text, a tracking pixel) is noise.
        if label and label.rstrip("/") != shown.rstrip("/") and shown not in label:
            self._text(f" [{shown}]")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            pieces = data.split("\n")
            for index, piece in enumerate(pieces):
                if index:
                    self._newline(force=True)
                self._text(piece)
        else:
            self._text(data.replace("\r", " ").replace("\n", " "))

    def text(self) -> str:
        self._newline()
        result = "\n".join(self.lines)
        return _BLANK_LINES.sub("\n\n", result).strip()


def html_to_text(html: str) -> str:
    """Convert an HTML email body to readable plain text (never raises)."""
    if not html:
        return ""
    html = html[:MAX_HTML_TO_TEXT_CHARS]
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; still never break a parse
        fallback = re.sub(r"<[^>]*>", " ", html)
        return " ".join(fallback.split())
    return parser.text()
