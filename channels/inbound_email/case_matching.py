"""Which case an email belongs to, and whether its sender may add to that case.

Named ``case_matching`` (never ``threading``: that is a standard-library module).

A message names a case by a valid reference in its subject (check character verified) or by
In-Reply-To/References holding a Message-ID we sent or received on that case. Naming a case is
not enough: the sender must be a party to it (the resident, a subscriber, or someone whose
email is already on it), otherwise anyone who saw a reference could write into a stranger's case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from enquiries.models import Case, CaseSubscription, Contact, Notification
from enquiries.references import find_references

MAX_MERGE_HOPS = 5


@dataclass(frozen=True)
class CaseMatch:
    """``case`` is set only when the message names a case AND the sender is a party to it."""

    case: Case | None = None
    via: str = ""  # "reference" or "message-id"
    named: tuple[Case, ...] = ()  # every case the message names, in order
    refused: tuple[str, ...] = field(default_factory=tuple)  # why named cases were not used

    @property
    def names_a_case(self) -> bool:
        return bool(self.named)


def cases_by_message_ids(ids: list[str]) -> list[Case]:
    """Cases holding any of these Message-IDs (ours or the resident's), most recent id first."""
    wanted = [i.strip("<>") for i in ids if i][-100:]
    if not wanted:
        return []
    found: dict[str, int | None] = {}
    for mid, case_id in Contact.objects.filter(message_id__in=wanted).values_list(
        "message_id", "case_id"
    ):
        found.setdefault(mid, case_id)
    for mid, case_id in Notification.objects.filter(message_id__in=wanted).values_list(
        "message_id", "case_id"
    ):
        found.setdefault(mid, case_id)
    ordered: list[int] = []
    for mid in reversed(wanted):  # In-Reply-To / the last reference is the closest parent
        found_id = found.get(mid)
        if found_id and found_id not in ordered:
            ordered.append(found_id)
    cases = Case.objects.select_related("resident").in_bulk(ordered)
    return [cases[pk] for pk in ordered if pk in cases]


def cases_by_reference(subject: str) -> list[Case]:
    references = find_references(subject)
    if not references:
        return []
    cases = {
        c.reference: c
        for c in Case.objects.select_related("resident").filter(reference__in=references)
    }
    return [cases[ref] for ref in references if ref in cases]


def live_case(case: Case) -> Case:
    """Follow merges: a reply to a duplicate belongs to the case it was merged into."""
    for _hop in range(MAX_MERGE_HOPS):
        if not case.merged_into_id:
            return case
        case = Case.objects.select_related("resident").get(pk=case.merged_into_id)
    return case


def is_party(case: Case, address: str) -> bool:
    """The resident, a subscriber, or an address already on the case's email contacts."""
    address = (address or "").strip().lower()
    if not address:
        return False
    if (case.resident.email or "").lower() == address:
        return True
    if CaseSubscription.objects.filter(case=case, resident__email__iexact=address).exists():
        return True
    return Contact.objects.filter(case=case, sender_address__iexact=address).exists()


def match_case(
    *,
    subject: str,
    in_reply_to: list[str],
    references: list[str],
    sender: str | None,
    sender_trusted: bool = True,
) -> CaseMatch:
    """Find the case a message belongs to; ``sender_trusted`` False (spoofing signs) never joins."""
    named: list[tuple[Case, str]] = []
    for case in cases_by_reference(subject):
        named.append((case, "reference"))
    for case in cases_by_message_ids([*references, *in_reply_to]):
        named.append((case, "message-id"))
    seen: set[int] = set()
    unique: list[tuple[Case, str]] = []
    for case, via in named:
        case = live_case(case)
        if case.pk not in seen:
            seen.add(case.pk)
            unique.append((case, via))
    refused: list[str] = []
    for case, via in unique:
        if not sender_trusted:
            refused.append(f"names case {case.reference} but the sender could not be verified")
            continue
        if sender and is_party(case, sender):
            return CaseMatch(
                case=case, via=via, named=tuple(c for c, _ in unique), refused=tuple(refused)
            )
        refused.append(f"names case {case.reference} but {sender or 'the sender'} is not on it")
    return CaseMatch(named=tuple(c for c, _ in unique), refused=tuple(refused))
