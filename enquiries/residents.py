"""Who a resident is, and the one way their stored details change.

Details typed on a form, an API call or an email prove nothing about who typed them, so intake
never links them to an existing resident nor changes one: it makes a new record and, when the
email or phone equals an existing record's, a PossibleMatch for staff to decide. Stored details
change only through ``resident_update_details`` (staff, or the resident through their own
tracking link), and every change is kept in ResidentChange.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from enquiries import fixed_queries, outbox
from enquiries.case_events import record_event
from enquiries.choices import EventKind, UpdatePreference
from enquiries.models import (
    Case,
    PendingContactChange,
    PossibleMatch,
    Resident,
    ResidentChange,
)
from enquiries.normalise import (
    normalise_email,
    normalise_phone,
    normalise_postcode,
    postcode_district,
)
from enquiries.text import clean_line

#: The stored details a person may change, in the order they are shown.
EDITABLE = (
    "full_name",
    "email",
    "phone",
    "address",
    "postcode",
    "preferred_channel",
    "consent_updates",
)
#: Enough to show staff; a detail shared by more records than this is not a useful signal.
MAX_MATCHES = 10

Via = ResidentChange.Via


# --- possible matches ----------------------------------------------------------------------------


def record_possible_matches(resident: Resident, *, new: bool = False) -> list[PossibleMatch]:
    """A possible match for each existing record with this record's email or phone, or a
    similar name at the same postcode (never twice for one pair, whichever way round).

    ``new``: the record was made just now (intake), so it has no pairs yet to look up."""
    others = _same_email_or_phone(resident)
    paired: set[int] = set()
    if not new:
        for one, two in PossibleMatch.objects.filter(
            Q(resident=resident) | Q(other=resident)
        ).values_list("resident_id", "other_id"):
            paired.add(two if one == resident.pk else one)
    rows = []
    for other in others:
        if other.pk in paired:
            continue
        same_email = bool(resident.email) and other.email.lower() == resident.email.lower()
        same_phone = bool(resident.phone) and other.phone == resident.phone
        matched_on = (
            PossibleMatch.MatchedOn.BOTH
            if same_email and same_phone
            else PossibleMatch.MatchedOn.EMAIL
            if same_email
            else PossibleMatch.MatchedOn.PHONE
        )
        rows.append(PossibleMatch(resident=resident, other=other, matched_on=matched_on))
    matched = {row.other_id for row in rows} | paired
    rows += [
        PossibleMatch(
            resident=resident, other=other, matched_on=PossibleMatch.MatchedOn.NAME_POSTCODE
        )
        for other in similar_at_postcode(resident)
        if other.pk not in matched
    ]
    if rows:
        PossibleMatch.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def _same_email_or_phone(resident: Resident) -> list[Resident]:
    """Other live records with this record's email (in any case) or phone, earliest first, at
    most MAX_MATCHES. One query per detail, each compiled once per process (``fixed_queries``):
    every new case runs this, and building the combined query took 1.2 ms of a 12 ms filing."""
    found: dict[int, Resident] = {}
    for name, build, value in (
        ("residents-by-email", _by_email, resident.email),
        ("residents-by-phone", _by_phone, resident.phone),
    ):
        if value:
            for row in fixed_queries.rows(name, build, value):
                found[row[0]] = Resident.from_db(connection.alias, _DETAIL_COLUMNS, row)
    found.pop(resident.pk, None)
    return [found[pk] for pk in sorted(found)][:MAX_MATCHES]


_DETAIL_COLUMNS = ("id", "email", "phone")


def _by_email(email: str) -> QuerySet[Resident, tuple[Any, ...]]:
    """One more than are shown: the record itself may be among them."""
    return (
        Resident.objects.filter(email__iexact=email, anonymised_at__isnull=True)
        .order_by("id")
        .values_list(*_DETAIL_COLUMNS)[: MAX_MATCHES + 1]
    )


def _by_phone(phone: str) -> QuerySet[Resident, tuple[Any, ...]]:
    return (
        Resident.objects.filter(phone=phone, anonymised_at__isnull=True)
        .order_by("id")
        .values_list(*_DETAIL_COLUMNS)[: MAX_MATCHES + 1]
    )


#: How alike two names must be (difflib ratio, after folding case and spaces) to be listed.
NAME_SIMILARITY = 0.85


def _folded(name: str) -> str:
    return " ".join(name.lower().replace(".", " ").replace("-", " ").split())


def names_alike(a: str, b: str) -> bool:
    """ "Siobhan O'Neil" and "Siobhan ONeill", "J Smith" and "John Smith" are not (initials)."""
    a, b = _folded(a), _folded(b)
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def similar_at_postcode(resident: Resident) -> list[Resident]:
    """Other live records with a similar name at the same postcode (earlier records first)."""
    if not resident.postcode or not resident.full_name:
        return []
    others = (
        Resident.objects.filter(postcode=resident.postcode, anonymised_at__isnull=True)
        .exclude(pk=resident.pk)
        .exclude(full_name="")
        .order_by("id")
        .only("id", "full_name")[:200]
    )
    return [other for other in others if names_alike(other.full_name, resident.full_name)][
        :MAX_MATCHES
    ]


def scan_for_duplicates() -> int:
    """Possible matches for every live record (existing data, or after an import): idempotent."""
    made = 0
    for resident in Resident.objects.filter(anonymised_at__isnull=True).order_by("id").iterator():
        made += len(record_possible_matches(resident))
    return made


def matches_of(resident: Resident) -> tuple[list[PossibleMatch], list[PossibleMatch]]:
    """(undecided, decided) matches involving this record, either way round: one query
    (compiled once per process), each match with both records and who decided it."""
    rows = []
    match_columns, resident_columns, user_columns = _MATCH_COLUMNS
    groups = (
        (PossibleMatch, match_columns),
        (Resident, resident_columns),
        (Resident, resident_columns),
        (get_user_model(), user_columns),
    )
    for row in fixed_queries.rows("resident-matches", _matches_query, resident.pk):
        found, found.resident, found.other, found.decided_by = fixed_queries.instances(row, *groups)
        rows.append(found)
    undecided = [row for row in rows if row.state == PossibleMatch.State.OPEN]
    decided = sorted(
        (row for row in rows if row.state != PossibleMatch.State.OPEN),
        key=lambda row: (row.decided_at, row.pk),
        reverse=True,
    )
    return undecided, decided


#: The columns a match is read with: the match, both records (every column) and the names
#: of who decided it.
_USER_NAMES = ("id", "username", "first_name", "last_name")
_MATCH_COLUMNS = (
    fixed_queries.columns(PossibleMatch),
    fixed_queries.columns(Resident),
    _USER_NAMES,
)


def _matches_query(resident_id: int) -> Any:
    match_columns, resident_columns, user_columns = _MATCH_COLUMNS
    return (
        PossibleMatch.objects.filter(Q(resident_id=resident_id) | Q(other_id=resident_id))
        .order_by("created_at", "id")
        .values_list(
            *match_columns,
            *(f"resident__{name}" for name in resident_columns),
            *(f"other__{name}" for name in resident_columns),
            *(f"decided_by__{name}" for name in user_columns),
        )
    )


def has_open_matches(resident: Resident) -> bool:
    """For a hint on the case page: someone should check who this resident is."""
    return PossibleMatch.objects.filter(_open_matches_of(resident)).exists()


def open_matches_exist(resident: Any = None) -> Exists:
    """``has_open_matches`` as a column of another query (by default of the resident of the
    case being read, ``OuterRef("resident_id")``): the case page reads it with the case."""
    ref = OuterRef("resident_id") if resident is None else resident
    return Exists(PossibleMatch.objects.filter(_open_matches_of(ref)))


def _open_matches_of(resident: Any) -> Q:
    return (Q(resident=resident) | Q(other=resident)) & Q(state=PossibleMatch.State.OPEN)


def decide_possible_match(*, match: PossibleMatch, same_person: bool, by: Any) -> PossibleMatch:
    """Staff decide once: the row keeps who decided and when.

    Confirming links the two records for staff only; nothing is copied between them, so one
    record's updates never go to the other's details.
    """
    state = PossibleMatch.State.CONFIRMED if same_person else PossibleMatch.State.REJECTED
    now = timezone.now()
    changed = PossibleMatch.objects.filter(pk=match.pk, state=PossibleMatch.State.OPEN).update(
        state=state, decided_by=by, decided_at=now
    )
    if not changed:
        raise ValidationError("Someone has already decided this possible match.")
    match.state, match.decided_by, match.decided_at = state, by, now
    return match


# --- changing stored details ---------------------------------------------------------------------


def _cleaned(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValueError(f"Not a changeable resident detail: {', '.join(unknown)}")
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    checks = {"email": normalise_email, "phone": normalise_phone, "postcode": normalise_postcode}
    for name, value in changes.items():
        if name in checks:
            try:
                cleaned[name] = checks[name](value or "")
            except ValidationError as exc:
                errors[name] = exc.messages
        elif name in ("full_name", "address"):
            cleaned[name] = clean_line(value or "").strip()
            limit = 200 if name == "full_name" else 300
            if len(cleaned[name]) > limit:
                errors[name] = [f"This must be {limit} characters or fewer."]
        elif name == "preferred_channel":
            if value not in UpdatePreference.values:
                errors[name] = ["Choose how to get updates."]
            cleaned[name] = value
        else:
            cleaned[name] = bool(value)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def resident_update_details(
    *,
    resident: Resident,
    changes: Mapping[str, Any],
    by: Any,
    channel: str,
    case: Case | None = None,
    reason: str = "",
) -> list[ResidentChange]:
    """The only write path for a resident's stored details: each changed field is recorded.

    Staff corrections (rectification) say why: ``reason`` is required for the staff channel.

    A new email or phone clears its "failing" flag (the old one bounced, this one has not).
    Returns the changes made (none when every value was already stored).
    """
    if channel not in Via.values:
        raise ValueError(f"Unknown channel {channel!r}")
    cleaned = _cleaned(changes)
    reason = clean_line(reason or "").strip()[:300]
    if channel == Via.STAFF and not reason:
        raise ValidationError({"reason": "Say why the details are being corrected."})
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        if locked.anonymised_at is not None:
            raise ValidationError("This resident's details have been anonymised.")
        fields: list[str] = []
        rows: list[ResidentChange] = []
        for name, new in cleaned.items():
            old = getattr(locked, name)
            if old == new:
                continue
            setattr(locked, name, new)
            fields.append(name)
            rows.append(
                ResidentChange(
                    resident=locked,
                    field=name,
                    old_value=_as_text(old),
                    new_value=_as_text(new),
                    by=by if getattr(by, "pk", None) else None,
                    channel=channel,
                    case=case,
                    reason=reason,
                )
            )
        if not rows:
            return []
        if "email" in fields:
            locked.email_failing = False
            fields.append("email_failing")
        if "phone" in fields:
            locked.phone_failing = False
            fields.append("phone_failing")
        if "postcode" in fields:
            locked.postcode_district = postcode_district(locked.postcode)
            fields.append("postcode_district")
        locked.save(update_fields=[*fields, "updated_at"])
        ResidentChange.objects.bulk_create(rows)
        if {"email", "phone"} & set(fields):
            record_possible_matches(locked)
    for name in [*fields, "updated_at"]:
        setattr(resident, name, getattr(locked, name))
    return rows


def change_history(resident: Resident) -> list[ResidentChange]:
    """Every change to the record, newest first, with who made it (names) and its case's
    reference: one query, compiled once per process."""
    groups = (
        (ResidentChange, _CHANGE_COLUMNS),
        (get_user_model(), _USER_NAMES),
        (Case, ("id", "reference")),
    )
    changes = []
    for row in fixed_queries.rows("resident-changes", _changes_query, resident.pk):
        change, change.by, change.case = fixed_queries.instances(row, *groups)
        changes.append(change)
    return changes


_CHANGE_COLUMNS = fixed_queries.columns(ResidentChange)


def _changes_query(resident_id: int) -> Any:
    return (
        ResidentChange.objects.filter(resident_id=resident_id)
        .order_by("-created_at", "-id")
        .values_list(
            *_CHANGE_COLUMNS,
            *(f"by__{name}" for name in _USER_NAMES),
            "case__id",
            "case__reference",
        )
    )


# --- the resident, through their own tracking link ------------------------------------------------


def _shared(resident: Resident, case: Case) -> bool:
    return (
        Case.objects.filter(resident=resident).exclude(pk=case.pk).exists()
        or resident.subscriptions.exists()
    )


def change_own_details(*, case: Case, changes: Mapping[str, Any]) -> list[ResidentChange]:
    """The person holding a case's tracking link changes the details for that case.

    The link proves only that they hold this case's link (it is also shown to whoever filled in
    the form), so when the record also stands for other cases it is first copied for this case
    alone: the change can never redirect someone else's updates.
    """
    cleaned = _cleaned(changes)
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("resident").get(pk=case.pk)
        resident = locked.resident
        if _shared(resident, locked):
            resident = _copy_for(locked)
        rows = resident_update_details(
            resident=resident, changes=cleaned, by=None, channel=Via.TRACKING_LINK, case=locked
        )
        if rows:
            record_event(
                case=locked,
                kind=EventKind.NOTE,
                message="The resident changed their contact details through the tracking link: "
                + ", ".join(row.field.replace("_", " ") for row in rows)
                + ".",
                data={"resident": resident.pk, "fields": [row.field for row in rows]},
            )
    case.resident = resident
    return rows


def _copy_for(case: Case) -> Resident:
    """A record of this case's own, with the same details, linked to the original for staff."""
    original = case.resident
    copy = Resident.objects.create(
        **{name: getattr(original, name) for name in EDITABLE},
        postcode_district=original.postcode_district,
        flags=list(original.flags),
        email_failing=original.email_failing,
        phone_failing=original.phone_failing,
    )
    Case.objects.filter(pk=case.pk).update(resident=copy, updated_at=timezone.now())
    case.resident = copy
    ResidentChange.objects.create(
        resident=copy,
        field="record",
        old_value=f"Resident {original.pk}",
        new_value=f"Resident {copy.pk} (details for case {case.reference} only)",
        channel=Via.TRACKING_LINK,
        case=case,
    )
    try:
        with transaction.atomic():
            PossibleMatch.objects.create(
                resident=copy,
                other=original,
                matched_on=PossibleMatch.MatchedOn.BOTH
                if original.email and original.phone
                else PossibleMatch.MatchedOn.PHONE
                if original.phone
                else PossibleMatch.MatchedOn.EMAIL,
            )
    except IntegrityError:
        pass
    return copy


# --- a new email or phone, confirmed by a code sent to it -----------------------------------------

#: Details that route updates somewhere new: used only once a code sent there comes back.
CONFIRMED_BY_CODE = ("email", "phone")
CODE_MINUTES = 30
MAX_CODE_ATTEMPTS = 5


def confirmation_code(pending: PendingContactChange) -> str:
    """Six digits derived from the row and its salt (never stored)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"confirm:{pending.pk}:{pending.salt}:{pending.new_value}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"{int(digest, 16) % 1_000_000:06d}"


def request_own_details_change(
    *, case: Case, changes: Mapping[str, Any]
) -> list[PendingContactChange]:
    """The tracking link's form: a name or preference changes now; a new email or phone waits
    for the code sent to it (queued here), so updates never go to an address nobody proved."""
    cleaned = _cleaned(changes)
    current = case.resident
    held = {
        name: cleaned.pop(name)
        for name in CONFIRMED_BY_CODE
        if cleaned.get(name) and cleaned[name] != getattr(current, name)
    }
    pending: list[PendingContactChange] = []
    with transaction.atomic():
        if any(getattr(current, name) != value for name, value in cleaned.items()):
            change_own_details(case=case, changes=cleaned)
        now = timezone.now()
        for name, value in held.items():
            PendingContactChange.objects.filter(
                case=case, field=name, confirmed_at__isnull=True
            ).delete()
            row = PendingContactChange.objects.create(
                case=case,
                field=name,
                new_value=value,
                salt=secrets.token_hex(8),
                created_at=now,
                expires_at=now + timedelta(minutes=CODE_MINUTES),
            )
            outbox.enqueue(
                "enquiries.tasks.send_confirmation_code",
                dedupe_key=f"confirm-details:{row.pk}",
                pending_id=row.pk,
            )
            pending.append(row)
    return pending


def open_confirmations(case: Case) -> list[PendingContactChange]:
    return list(
        PendingContactChange.objects.filter(
            case=case,
            confirmed_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=MAX_CODE_ATTEMPTS,
        ).order_by("field")
    )


def confirm_own_details(*, case: Case, code: str) -> list[ResidentChange]:
    """The code sent to the new address came back: the new address is now used."""
    code = "".join((code or "").split())
    waiting = open_confirmations(case)
    if not waiting:
        raise ValidationError(
            {"code": "There is no change waiting for a code, or the code has expired."}
        )
    matched = [row for row in waiting if hmac.compare_digest(confirmation_code(row), code)]
    if not matched:
        PendingContactChange.objects.filter(pk__in=[row.pk for row in waiting]).update(
            attempts=F("attempts") + 1
        )
        raise ValidationError({"code": "The code is not right. Check the message we sent you."})
    rows: list[ResidentChange] = []
    with transaction.atomic():
        for row in matched:
            claimed = PendingContactChange.objects.filter(
                pk=row.pk, confirmed_at__isnull=True
            ).update(confirmed_at=timezone.now())
            if claimed:
                rows += change_own_details(case=case, changes={row.field: row.new_value})
    return rows
