"""Turning bytes of unknown or mislabelled encoding into clean text.

Inbound mail lies about its charset all the time (Microsoft aliases, GB2312 text that is really
GBK, raw 8-bit header bytes with no charset at all). Nothing here may raise: every path ends in
a ``str`` that the database can store (no lone surrogates, no NUL characters).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

# Labels mail clients send that Python does not know, or knows as a narrower codec than the
# text really uses. Targets are supersets, so correctly labelled text still decodes the same.
CHARSET_ALIASES: dict[str, str] = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601_1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "korean": "cp949",
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gb2312-80": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "chinese": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "csiso2022jp": "iso2022_jp_ext",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "unicode-1-1-utf-7": "utf-7",
    "x-unicode-2-0-utf-7": "utf-7",
    "utf8": "utf-8",
    "x-utf-8": "utf-8",
}

_CANONICAL_UPGRADES: dict[str, str] = {
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "iso2022_jp": "iso2022_jp_ext",
}

# Labels that mean "I don't know": treated like undeclared 8-bit text.
UNKNOWN_LABELS = frozenset(
    {"", "us-ascii", "ascii", "unknown", "unknown-8bit", "x-unknown", "default", "none", "8bit"}
)

_SURROGATE_RUN = re.compile(r"[\udc80-\udcff]+")
_ANY_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0/C1 control characters other than tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


def normalise_charset(label: object) -> str | None:
    """Return a Python codec name for a declared charset label, or None when unusable.

    Only real text encodings are returned, so a hostile label such as ``zlib`` or ``base64``
    can never select a bytes-to-bytes codec.
    """
    if not isinstance(label, str):
        return None
    name = label.strip().strip("\"'").strip().lower()
    # RFC 2231 allows a language suffix on encoded-word charsets: "utf-8*en".
    name = name.split("*", 1)[0]
    if name in UNKNOWN_LABELS or len(name) > 40:
        return None
    name = CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    if info.name in {"undefined", "unicode_escape", "raw_unicode_escape", "idna", "punycode"}:
        return None
    # Upgrade on the canonical name too, so spellings the table misses ("ISO_8859-1",
    # "ks_c_5601_1987") get the same superset codec.
    return _CANONICAL_UPGRADES.get(info.name, info.name)


def decode_8bit(data: bytes, hint: str | None = None) -> str:
    """Decode bytes whose charset was not declared: UTF-8, then the hint, then Windows-1252.

    Text that is mostly valid UTF-8 with a few broken bytes stays UTF-8 with replacement
    characters, so one bad byte does not turn a whole Cyrillic name into mojibake.
    """
    if not data:
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec = normalise_charset(hint)
    if codec and codec != "utf-8":
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    as_utf8 = data.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd")
    good = sum(1 for ch in as_utf8 if ord(ch) > 127 and ch != "\ufffd")
    if good >= 2 * bad:
        return as_utf8
    return data.decode("cp1252", errors="replace")


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, and what staff should know about how."""

    text: str
    charset: str
    declared: str | None = None
    detected: bool = False  # the declared charset was missing or wrong: we detected this one
    lossy: bool = False  # some bytes could not be decoded and became U+FFFD

    def notes(self) -> list[str]:
        notes = []
        if self.detected:
            said = f"declared as {self.declared}" if self.declared else "no charset declared"
            notes.append(f"text charset detected as {self.charset} ({said})")
        if self.lossy:
            notes.append(
                f"some bytes of the text could not be decoded ({self.charset}) and were "
                "replaced with \ufffd: check the raw message"
            )
        return notes


# Charsets that decode any byte sequence, so a wrong label never fails: the usual defaults.
_PERMISSIVE = frozenset({"cp1252", "latin_1", "iso8859-15", "ascii"})
_DETECT_SAMPLE = 200_000


def _mojibake(text: str) -> bool:
    """Text that is mostly non-ASCII letters, read through a Western charset, is mislabelled."""
    letters = [ch for ch in text[:20_000] if ch.isalpha()]
    foreign = sum(1 for ch in letters if ord(ch) > 127)
    return foreign >= 4 and foreign > 0.3 * len(letters)


def _mostly_utf8(data: bytes) -> bool:
    as_utf8 = data[:_DETECT_SAMPLE].decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd")
    good = sum(1 for ch in as_utf8 if ord(ch) > 127 and ch != "\ufffd")
    return good >= 2 * bad


def _detect(data: bytes, declared: str | None, *, not_codec: str | None = None) -> Decoded | None:
    """Ask charset-normalizer (a maintained detector) for the charset, or None."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:_DETECT_SAMPLE]).best()
    except Exception:  # the detector must never lose a message
        return None
    codec = normalise_charset(best.encoding) if best is not None else None
    if codec is None or codec == not_codec:
        return None
    try:
        return Decoded(data.decode(codec), codec, declared, detected=True)
    except (UnicodeDecodeError, LookupError, ValueError):
        text = data.decode(codec, errors="replace")
        return Decoded(text, codec, declared, detected=True, lossy="\ufffd" in text)


def decode_text(data: bytes, charset: object = None, *, hint: str | None = None) -> Decoded:
    """Decode a body with its declared charset, detecting it when missing or plainly wrong.

    A label that decodes strictly is trusted, except a Western single-byte default (Latin-1,
    Windows-1252, ASCII) on bytes that are valid UTF-8 or read as mojibake (a KOI8-R letter
    sent as "iso-8859-1"): then the charset is detected. Anything not decodable is replaced
    with U+FFFD and reported as lossy, never dropped silently. Never raises.
    """
    declared = charset.strip() if isinstance(charset, str) and charset.strip() else None
    if not data:
        return Decoded("", "ascii", declared)
    codec = normalise_charset(charset)
    if codec is not None:
        found = _decode_declared(data, codec, declared)
        if found is not None:
            return found
    return _decode_undeclared(data, declared, hint, relabelled=codec is not None)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _detect_cleanly(
    data: bytes, declared: str | None, *, not_codec: str | None = None
) -> Decoded | None:
    """A detected charset that decodes every byte; a lossy guess is no better than ours."""
    found = _detect(data, declared, not_codec=not_codec)
    return found if found is not None and not found.lossy else None


def _decode_declared(data: bytes, codec: str, declared: str | None) -> Decoded | None:
    """Decode with the declared codec, or None to fall back to the undeclared route."""
    text = _strict(data, codec)
    if text is None:
        return _decode_mislabelled(data, codec, declared)
    if codec in _PERMISSIVE and not data.isascii():
        # A Western default label decodes anything, so it proves nothing: check for better.
        utf8 = _strict(data, "utf-8")
        if utf8 is not None:
            return Decoded(utf8, "utf-8", declared, detected=True)
        if _mojibake(text):
            found = _detect_cleanly(data, declared, not_codec=codec)
            if found is not None:
                return found
    return Decoded(text, codec, declared)


def _decode_mislabelled(data: bytes, codec: str, declared: str | None) -> Decoded | None:
    """The declared codec fails on these bytes: detect, else decode with it lossily."""
    garbled = not _mostly_utf8(data) and _mojibake(data.decode("cp1252", errors="replace"))
    if codec not in _PERMISSIVE and codec != "utf-8" or garbled:
        found = _detect_cleanly(data, declared)
        if found is not None:
            return found
    if codec in _PERMISSIVE:
        return None
    try:
        text = data.decode(codec, errors="replace")
    except (LookupError, ValueError, TypeError):
        return None
    return Decoded(text, codec, declared, lossy="\ufffd" in text)


def _decode_undeclared(
    data: bytes, declared: str | None, hint: str | None, *, relabelled: bool
) -> Decoded:
    """Nothing usable declared (or a failed Western label): UTF-8, the hint, then detection."""
    utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        return Decoded(utf8, "utf-8", declared, detected=relabelled)
    hinted = normalise_charset(hint)
    if hinted and hinted != "utf-8":
        text = _strict(data, hinted)
        if text is not None:
            return Decoded(text, hinted, declared)
    if _mostly_utf8(data):
        text = data.decode("utf-8", errors="replace")
        return Decoded(text, "utf-8", declared, lossy="\ufffd" in text)
    text = data.decode("cp1252", errors="replace")
    if _mojibake(text) or "\ufffd" in text:
        found = _detect_cleanly(data, declared, not_codec="cp1252")
        if found is not None:
            return found
    return Decoded(text, "cp1252", declared, lossy="\ufffd" in text)


def decode_bytes(data: bytes, charset: object = None, *, hint: str | None = None) -> str:
    """Decode a body or encoded-word payload (see :func:`decode_text`), never raising."""
    return decode_text(data, charset, hint=hint).text


def fix_surrogates(text: str, hint: str | None = None) -> str:
    """Replace the surrogate escapes that ``email`` uses for raw 8-bit bytes with real text."""
    if not _ANY_SURROGATE.search(text):
        return text

    def _run(match: re.Match[str]) -> str:
        raw = match.group(0).encode("utf-8", "surrogateescape")
        return decode_8bit(raw, hint)

    text = _SURROGATE_RUN.sub(_run, text)
    # Any other lone surrogate (for example from a bad UTF-16 part) becomes U+FFFD.
    return text.encode("utf-8", "replace").decode("utf-8")


def clean_text(text: str, *, keep_newlines: bool = True, hint: str | None = None) -> str:
    """Make text safe to store: no surrogates, no NUL or other control characters.

    Line endings become ``\\n``. Without ``keep_newlines`` all whitespace runs become one space,
    which suits single-line values such as subjects and names.
    """
    text = fix_surrogates(text, hint)
    if keep_newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _CONTROL.sub("", text)
        return text
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    return unicodedata.normalize("NFC", text)
