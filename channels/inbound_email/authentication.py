"""Did the sender's domain really send this? Read from our own server's Authentication-Results.

Anyone can write ``From: resident@example.org``. The council's receiving server checks SPF, DKIM
and DMARC and records the results in an ``Authentication-Results`` header (RFC 8601) naming
itself by its authserv-id (``EMAIL_AUTHSERV_ID``). Only those headers count, and only where our
server puts them: at the top of the message, above every Received header except
``EMAIL_AUTH_RESULTS_RECEIVED_ABOVE`` of them (our own server's). A sender can write any header
further down, including one that claims to be ours; those are ignored.

Authenticated: ``dmarc=pass``, or (no DMARC verdict) ``spf=pass`` or ``dkim=pass`` for a domain
aligned with the From domain (same organisational domain). ``dmarc=fail`` is never overridden.

No trusted header at all: unauthenticated when ``EMAIL_AUTH_RESULTS_REQUIRED`` is on (the
default outside local development: a server that should add them did not, or the header was
lost), else the check is skipped (a mailbox whose server never adds them) and the channel's
older signals (spoofed display names, From/Return-Path mismatch) are all there is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from .headers import org_domain, unfold

_RESULT = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z]+)(.*)$", re.IGNORECASE | re.DOTALL)
_PROPERTY = re.compile(r"\b(smtp\.mailfrom|smtp\.helo|header\.from|header\.d|header\.i)\s*=\s*"
                       r"\"?([^\s;\"]+)", re.IGNORECASE)  # fmt: skip
_COMMENT = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Verdict:
    authenticated: bool
    checked: bool  # False: no trusted header and none required (the check did not apply)
    reason: str  # for staff


def authserv_ids() -> set[str]:
    value = getattr(settings, "EMAIL_AUTHSERV_ID", "") or ""
    return {part.strip().lower() for part in value.split(",") if part.strip()}


def trusted_results(raw_headers: list[tuple[str, str]]) -> list[str]:
    """Authentication-Results our own server wrote: topmost, with our authserv-id."""
    ours = authserv_ids()
    allowed_above = int(getattr(settings, "EMAIL_AUTH_RESULTS_RECEIVED_ABOVE", 0) or 0)
    received = 0
    found: list[str] = []
    for name, value in raw_headers:
        lowered = name.strip().lower()
        if lowered == "received":
            received += 1
            continue
        if lowered != "authentication-results":
            continue
        if received > allowed_above:
            break  # below our server's own trace fields: a sender could have written it
        text = _COMMENT.sub(" ", unfold(value))
        authserv = text.split(";", 1)[0].strip().split()[0].lower() if text.strip() else ""
        if authserv in ours:
            found.append(text)
    return found


def _results(header: str) -> list[tuple[str, str, dict[str, str]]]:
    """(method, result, properties) for each resinfo in one header."""
    out = []
    for resinfo in header.split(";")[1:]:
        match = _RESULT.match(resinfo)
        if not match:
            continue
        method, result, rest = match.group(1).lower(), match.group(2).lower(), match.group(3)
        props = {k.lower(): v.strip("<>").lower() for k, v in _PROPERTY.findall(rest)}
        out.append((method, result, props))
    return out


def _domain(value: str) -> str:
    return value.rpartition("@")[2].strip(". ").lower()


def verdict(raw_headers: list[tuple[str, str]], from_address: str | None) -> Verdict:
    """Decide whether the From domain is authenticated by our server's results.

    The first conclusive DMARC result decides; without one, an SPF or DKIM pass for the From
    address's organisational domain (alignment) authenticates it.
    """
    headers = trusted_results(raw_headers) if authserv_ids() else []
    if not headers:
        return _no_results()
    results = [found for header in headers for found in _results(header)]
    from_org = org_domain(_domain(from_address or ""))
    dmarc = _dmarc_verdict(results, from_org)
    if dmarc is not None:
        return dmarc
    aligned = [line for line in (_aligned(*found, from_org) for found in results) if line]
    if aligned:
        return Verdict(True, True, "aligned " + ", ".join(aligned))
    seen = ", ".join(f"{method}={result}" for method, result, _ in results)
    return Verdict(
        False, True, f"not authenticated for {from_org or 'the sender'} ({seen or 'no results'})"
    )


def _no_results() -> Verdict:
    """No results from our own server: fine only where none are expected (development)."""
    if not bool(getattr(settings, "EMAIL_AUTH_RESULTS_REQUIRED", True)):
        return Verdict(True, False, "authentication not checked (no results expected)")
    return Verdict(
        False,
        True,
        "no Authentication-Results from our receiving server "
        f"({', '.join(sorted(authserv_ids())) or 'EMAIL_AUTHSERV_ID not set'})",
    )


def _dmarc_verdict(results: list[tuple[str, str, dict[str, str]]], from_org: str) -> Verdict | None:
    """The first conclusive DMARC result (pass, or fail/quarantine/reject), if any."""
    for method, result, _ in results:
        if method != "dmarc":
            continue
        if result == "pass":
            return Verdict(True, True, "DMARC pass")
        if result in {"fail", "quarantine", "reject"}:
            return Verdict(False, True, f"DMARC {result} for {from_org or 'the sender'}")
    return None


def _aligned(method: str, result: str, props: dict[str, str], from_org: str) -> str | None:
    """ "spf=pass (domain)" when an SPF or DKIM pass is for the From organisation, else None."""
    if result != "pass" or not from_org:
        return None
    if method == "spf":
        domain = _domain(props.get("smtp.mailfrom", "") or props.get("smtp.helo", ""))
    elif method == "dkim":
        domain = _domain(props.get("header.d", "") or props.get("header.i", ""))
    else:
        return None
    return f"{method}=pass ({domain})" if domain and org_domain(domain) == from_org else None
