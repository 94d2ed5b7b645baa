"""Plain-text body conventions: format=flowed paragraphs and uuencoded files inside the text."""

from __future__ import annotations

import binascii
import re

from .filenames import safe_filename
from .limits import MAX_UU_BLOCKS

_UU_BEGIN = re.compile(r"^begin(?:-base64)? +[0-7]{3,4} +(.+?)\s*$", re.MULTILINE)


def unflow(text: str, delsp: bool) -> str:
    """Join format=flowed soft line breaks (RFC 3676) so paragraphs are not hard-wrapped."""
    out: list[str] = []
    buffer = ""
    for line in text.split("\n"):
        if line.startswith(">") or line == "-- ":
            if buffer:
                out.append(buffer)
                buffer = ""
            out.append(line)
            continue
        if line.startswith(" "):
            line = line[1:]
        if line.endswith(" "):
            buffer += line[:-1] if delsp else line
        else:
            out.append(buffer + line)
            buffer = ""
    if buffer:
        out.append(buffer)
    return "\n".join(out)


def extract_uuencoded(
    text: str, *, room: int, first_index: int
) -> tuple[str, list[tuple[str, bytes]]]:
    """Pull uuencoded files (old Lotus Notes, Outlook Express) out of a text body.

    Returns the text with each file replaced by an ``[attachment: name]`` marker, and the
    files as (name, content); at most ``room`` files, numbered from ``first_index`` for names.
    """
    if "begin " not in text:
        return text, []
    out: list[str] = []
    files: list[tuple[str, bytes]] = []
    position = 0
    for count, match in enumerate(_UU_BEGIN.finditer(text)):
        if count >= MAX_UU_BLOCKS or len(files) >= room:
            break
        if match.start() < position:
            continue
        end = text.find("\nend", match.end())
        if end == -1:
            break
        block = text[match.end() : end].strip("\n").split("\n")
        data = decode_uu_block([line.rstrip("\r") for line in block])
        if not data:
            continue
        name = match.group(1)
        out.append(text[position : match.start()])
        out.append(f"[attachment: {safe_filename(name, first_index + len(files))}]")
        files.append((name, data))
        position = end + len("\nend")
    out.append(text[position:])
    return "".join(out), files


def decode_uu_block(lines: list[str]) -> bytes:
    """Decode the lines between ``begin`` and ``end``, skipping any that are not uuencode."""
    out = bytearray()
    for line in lines:
        if line and line != "`" and line.isascii():
            out += _decode_uu_line(line)
    return bytes(out)


def _decode_uu_line(line: str) -> bytes:
    try:
        return binascii.a2b_uu(line)
    except (binascii.Error, ValueError):
        pass
    # Broken encoders pad lines badly; trim to the declared length (as the uu module did).
    try:
        nbytes = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
        return binascii.a2b_uu(line[:nbytes])
    except (binascii.Error, IndexError, ValueError):
        return b""
