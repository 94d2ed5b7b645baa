"""JSON from outside (partner API, provider callbacks): a depth limit, so a hostile body nested
thousands deep gets a clear 400 instead of a RecursionError and a 500.

No genuine request nests more than a handful of levels; MAX_DEPTH leaves ample room.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class JSONTooDeep(ValueError):
    """The body nests arrays or objects more deeply than MAX_DEPTH."""


def _too_deep(max_depth: int) -> JSONTooDeep:
    return JSONTooDeep(f"The JSON body is nested more than {max_depth} levels deep.")


def check_depth(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Walk a parsed value without recursion; raise JSONTooDeep past max_depth."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise _too_deep(max_depth)
        stack.extend((child, depth + 1) for child in children)


def loads(data: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads with a depth limit: JSONTooDeep (a ValueError) instead of RecursionError."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise _too_deep(max_depth) from None
    check_depth(value, max_depth)
    return value


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser with the depth limit: a ParseError (400) names the problem."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", "utf-8")
        try:
            return loads(stream.read().decode(encoding))
        except JSONTooDeep as exc:
            raise ParseError(str(exc)) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
