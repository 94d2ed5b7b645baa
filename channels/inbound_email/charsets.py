"""Turning bytes of unknown or mislabelled encoding into clean text.

Inbound mail lies about its charset all the time (Microsoft aliases, GB2312 text that is really
GBK, raw 8-bit header bytes with no charset at all). Nothing here may raise: every path ends in
a ``str`` that the database can store (no lone surrogates, no NUL characters).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

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


def decode_bytes(data: bytes, charset: object = None, *, hint: str | None = None) -> str:
    """Decode a body or encoded-word payload with its declared charset, never raising.

    A known charset is tried strictly, then with replacement characters (so undecodable bytes
    are visible, not silently dropped). Unknown labels fall back to :func:`decode_8bit`.
    """
    if not data:
        return ""
    codec = normalise_charset(charset)
    if codec is None:
        return decode_8bit(data, hint)
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        pass
    if codec in {"cp1252", "ascii"}:
        # A mislabelled UTF-8 message is far more common than real Windows-1252 mojibake.
        return decode_8bit(data, hint)
    try:
        return data.decode(codec, errors="replace")
    except (LookupError, ValueError, TypeError):
        return decode_8bit(data, hint)


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
