"""Who may see and change what: the one place staff permissions are decided.

Every staff view, form, export and JSON endpoint asks this module, so a rule changes in one place.

- Caseworkers see and change the cases of their departments (``Department.members``).
- Managers see and change everything in the departments they manage or belong to, and assign
  work to anyone in them.
- Contact-centre and front-desk staff see every case, to answer a resident, and add contacts to
  any case; they change only the cases of departments they belong to (their triage queue).
- Admins configure the portal in the Django admin and may look at any case; like everyone else
  they change only the cases of departments they belong to.

A case someone may not see or change answers 404 (a 403 would confirm that it exists), and the
attempt is written to the access log.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from enquiries import access_log, demo_outbox
from enquiries.models import (
    Attachment,
    Case,
    CaseSubscription,
    Department,
    PossibleMatch,
    Resident,
    Service,
)
from enquiries.references import InvalidReference, normalise_reference

CONTACT_CENTRE = "contact_centre"
FRONT_DESK = "front_desk"
CASEWORKER = "caseworker"
MANAGER = "manager"
ADMIN = "admin"
#: The data protection officer and their team: subject access exports, erasure, legal holds,
#: merging duplicate records and the data-quality view. They read every case to answer requests.
DATA_PROTECTION = "data_protection"
#: Reads the insight figures (aggregates only, small numbers suppressed); opens no case.
ANALYST = "analyst"
STAFF_ROLES = frozenset(
    {CONTACT_CENTRE, FRONT_DESK, CASEWORKER, MANAGER, ADMIN, DATA_PROTECTION, ANALYST}
)
SEE_EVERY_CASE = frozenset({CONTACT_CENTRE, FRONT_DESK, ADMIN, DATA_PROTECTION})
TAKES_CONTACTS = frozenset({CONTACT_CENTRE, FRONT_DESK})
#: Who decides who a resident is (possible matches) and changes their stored details: the
#: people who speak to residents and can check who they are, and managers. Caseworkers read.
MANAGES_IDENTITY = frozenset({CONTACT_CENTRE, FRONT_DESK, MANAGER})

VIEW = "view"
CHANGE = "change"
ADD_CONTACT = "add_contact"
ACTIONS = (VIEW, CHANGE, ADD_CONTACT)

User = AbstractBaseUser | AnonymousUser

# --- who the user is (one query per request, memoised on the user object) ----------------------
#
# The user object is loaded afresh for every request (django.contrib.auth's middleware), so a
# role or membership revoked takes effect on the next request: nothing here outlives it.


@dataclass(frozen=True)
class Membership:
    """A user's staff roles and departments, as read at the start of the request."""

    roles: frozenset[str]
    #: every department the user works in: member or manager
    member: frozenset[int]
    managed: frozenset[int]
    #: those departments (id, name and slug only), by name: the user's own queues
    departments: tuple[Department, ...]


NO_MEMBERSHIP = Membership(frozenset(), frozenset(), frozenset(), ())


@functools.cache
def _membership_sql() -> str:
    """Group names, departments worked in and departments managed: one round trip (three
    queries, each a short index lookup, were a tenth of a worklist page's time)."""
    q = connection.ops.quote_name
    user_groups = q(get_user_model().groups.through._meta.db_table)
    group = q(Group._meta.db_table)
    department = q(Department._meta.db_table)
    members = q(Department.members.through._meta.db_table)
    managers = q(Department.managers.through._meta.db_table)
    placeholders = ", ".join(["%s"] * len(STAFF_ROLES))
    # table names from the models' _meta; every value is a parameter
    return (
        f"SELECT 'g' AS kind, g.name, NULL AS id, NULL AS slug FROM {group} g "  # noqa: S608
        f"INNER JOIN {user_groups} ug ON ug.group_id = g.id "
        f"WHERE ug.user_id = %s AND g.name IN ({placeholders}) "
        f"UNION ALL SELECT 'm', d.name, d.id, d.slug FROM {department} d "
        f"INNER JOIN {members} dm ON dm.department_id = d.id WHERE dm.user_id = %s "
        f"UNION ALL SELECT 'x', d.name, d.id, d.slug FROM {department} d "
        f"INNER JOIN {managers} dx ON dx.department_id = d.id WHERE dx.user_id = %s "
        "ORDER BY 2, 1"  # departments by name, as Department.Meta orders them
    )


def membership(user: Any) -> Membership:
    """The user's roles and departments, read once per request (every check on a page reuses
    them)."""
    cached: Membership | None = getattr(user, "__dict__", {}).get("_policy_membership")
    if cached is not None:  # (only ever stored for an active, signed-in user)
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_MEMBERSHIP
    names: set[str] = {ADMIN} if user.is_superuser else set()
    member: set[int] = set()
    managed: set[int] = set()
    departments: dict[int, Department] = {}
    with connection.cursor() as cursor:
        cursor.execute(_membership_sql(), [user.pk, *sorted(STAFF_ROLES), user.pk, user.pk])
        for kind, name, dept_id, slug in cursor.fetchall():
            if kind == "g":
                names.add(name)
                continue
            member.add(dept_id)
            if kind == "x":
                managed.add(dept_id)
            if dept_id not in departments:
                departments[dept_id] = Department.from_db(
                    connection.alias, ["id", "name", "slug"], (dept_id, name, slug)
                )
    cached = user.__dict__["_policy_membership"] = Membership(
        frozenset(names),
        frozenset(member),
        frozenset(managed),
        tuple(departments.values()),
    )
    return cached


def roles(user: Any) -> frozenset[str]:
    return membership(user).roles


def is_portal_staff(user: Any) -> bool:
    return bool(roles(user))


def _departments(user: Any) -> tuple[frozenset[int], frozenset[int]]:
    """(every department the user works in, the ones they manage)."""
    found = membership(user)
    return found.member, found.managed


def department_ids(user: Any) -> frozenset[int]:
    """Departments whose cases the user works: member or manager."""
    return _departments(user)[0] if is_portal_staff(user) else frozenset()


def managed_department_ids(user: Any) -> frozenset[int]:
    return _departments(user)[1] if MANAGER in roles(user) or ADMIN in roles(user) else frozenset()


def sees_every_case(user: Any) -> bool:
    return bool(roles(user) & SEE_EVERY_CASE)


def takes_contacts(user: Any) -> bool:
    """Contact-centre and front-desk staff log calls and visits for any service."""
    return bool(roles(user) & TAKES_CONTACTS)


def is_manager(user: Any) -> bool:
    return MANAGER in roles(user)


def sees_dead_letters(user: Any) -> bool:
    """Admins and managers see work a worker kept dying on (the admin can retry it)."""
    return bool(roles(user) & {ADMIN, MANAGER})


def can_view_insight(user: Any) -> bool:
    """Insight figures: managers, admins and analysts."""
    return bool(roles(user) & {MANAGER, ADMIN, ANALYST})


def insight_drills_to_cases(user: Any) -> bool:
    """Managers and admins follow a figure to the cases they may open; analysts see aggregates."""
    return bool(roles(user) & {MANAGER, ADMIN})


def insight_suppressed(user: Any) -> bool:
    """Analysts (without a manager or admin role too) see counts under 5 as "fewer than 5"."""
    return not insight_drills_to_cases(user)


# --- querysets ----------------------------------------------------------------------------------


def visible_cases(user: Any, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    queryset = Case.objects.all() if queryset is None else queryset
    if not is_portal_staff(user):
        return queryset.none()
    if sees_every_case(user):
        return queryset
    return queryset.filter(department_id__in=department_ids(user))


def queue_departments(user: Any) -> list[Department]:
    """The queues a user may open (id, name and slug), by name: read with the user's roles, or
    for those who see every case, every department (one query, memoised for the request)."""
    if not is_portal_staff(user):
        return []
    if not sees_every_case(user):
        return list(membership(user).departments)
    cached: list[Department] | None = user.__dict__.get("_policy_every_department")
    if cached is None:
        cached = user.__dict__["_policy_every_department"] = list(
            Department.objects.only("id", "name", "slug")
        )
    return list(cached)


def visible_departments(user: Any) -> QuerySet[Department]:
    """The queues a user may open."""
    if not is_portal_staff(user):
        return Department.objects.none()
    if sees_every_case(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=department_ids(user))


def visible_residents(user: Any, queryset: QuerySet[Resident] | None = None) -> QuerySet[Resident]:
    """Everyone for front-line staff; for department staff, residents with a case there."""
    queryset = Resident.objects.all() if queryset is None else queryset
    if not is_portal_staff(user):
        return queryset.none()
    if sees_every_case(user):
        return queryset
    ids = department_ids(user)
    return queryset.filter(
        Exists(Case.objects.filter(resident=OuterRef("pk"), department_id__in=ids))
        | Exists(
            CaseSubscription.objects.filter(resident=OuterRef("pk"), case__department_id__in=ids)
        )
    )


# --- single objects -----------------------------------------------------------------------------


def can_view_case(user: Any, case: Case) -> bool:
    if not is_portal_staff(user):
        return False
    return sees_every_case(user) or case.department_id in department_ids(user)


def can_change_case(user: Any, case: Case) -> bool:
    """Internal work (status, notes, replies, transfer, merge) stays with the case's department."""
    return is_portal_staff(user) and case.department_id in department_ids(user)


def can_add_contact(user: Any, case: Case) -> bool:
    return can_change_case(user, case) or (takes_contacts(user) and can_view_case(user, case))


def can_assign(user: Any, case: Case, assignee: Any | None) -> bool:
    """Anyone working a case may claim or release it; only its managers hand it to others."""
    if not can_change_case(user, case):
        return False
    if assignee is None or assignee.pk == user.pk:
        return True
    return case.department_id in managed_department_ids(user)


def can_view_resident(user: Any, resident: Resident) -> bool:
    return visible_residents(user, Resident.objects.filter(pk=resident.pk)).exists()


def can_manage_identity(user: Any) -> bool:
    return is_portal_staff(user) and bool(roles(user) & MANAGES_IDENTITY)


def can_handle_data_protection(user: Any) -> bool:
    """Subject access, erasure, legal hold, merges, data quality: the data_protection role only
    (not admins: configuring the portal is not a reason to read everyone's export)."""
    return DATA_PROTECTION in roles(user)


def can_merge_residents(user: Any) -> bool:
    """Merge duplicate records (and undo it): those who decide who a resident is, and the DPO."""
    return bool(roles(user) & (MANAGES_IDENTITY | {DATA_PROTECTION}))


def subject_access_viewer(user: Any) -> str:
    """How a staff viewer is named in a subject access export: name and role, not username."""
    name = (user.get_full_name() if hasattr(user, "get_full_name") else "") or "A member of staff"
    role = ", ".join(sorted(roles(user))) or "former staff"
    return f"{name} ({role.replace('_', ' ')})"


def can_edit_resident(user: Any, resident: Resident, *, seen: bool = False) -> bool:
    """Change a resident's stored details (recorded in their change history).

    ``seen``: the resident was fetched through ``get_resident_for`` (visibility is checked).
    """
    return (
        can_manage_identity(user)
        and resident.anonymised_at is None
        and (seen or can_view_resident(user, resident))
    )


def can_decide_match(user: Any, match: PossibleMatch) -> bool:
    """Confirm or reject a possible match: both records must be within the user's reach."""
    return (
        can_manage_identity(user)
        and can_view_resident(user, match.resident)
        and can_view_resident(user, match.other)
    )


def get_possible_match_for(
    user: Any, pk: int, *, resident: Resident, path: str = ""
) -> PossibleMatch:
    """An undecided or decided match involving ``resident`` the user may decide; else 404."""
    match = (
        PossibleMatch.objects.select_related("resident", "other")
        .filter(Q(resident=resident) | Q(other=resident), pk=pk)
        .first()
    )
    if match is not None and can_decide_match(user, match):
        return match
    if getattr(user, "is_authenticated", False):
        access_log.record_denied(user=user, path=path, action="decide_match", key=str(pk))
    raise Http404("No possible match found.")


def can_log_contacts(user: Any) -> bool:
    """Who may open the log-a-call screen (case workers log calls about their own cases too)."""
    return is_portal_staff(user) and (takes_contacts(user) or bool(department_ids(user)))


def can_view_routing_stats(user: Any) -> bool:
    """Per-rule matches and misroutes, chasers per service: counts only, for managers and admins
    (who change the routing rules)."""
    return bool(roles(user) & {MANAGER, ADMIN})


def can_correct_chaser(user: Any, case: Case) -> bool:
    """Whoever may log a contact on the case may say whether one of its contacts chased."""
    return can_add_contact(user, case)


def allows(user: Any, case: Case, action: str) -> bool:
    checks = {VIEW: can_view_case, CHANGE: can_change_case, ADD_CONTACT: can_add_contact}
    return checks[action](user, case)


def get_case_for(
    user: Any,
    key: int | str,
    action: str = VIEW,
    *,
    path: str = "",
    queryset: QuerySet[Case] | None = None,
    lookup: Callable[[str, int | str], Case | None] | None = None,
) -> Case:
    """The case by id or reference if the user may do ``action`` to it; else log and 404.

    ``lookup(field, value)`` reads the case another way (``field`` is "pk" or "reference",
    the value checked and normalised here); the rule stays here."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    queryset = Case.objects.all() if queryset is None else queryset
    found = case_key(key)
    if found is None:
        case = None
    elif lookup is not None:
        case = lookup(*found)
    else:
        case = _lookup(queryset, *found)
    if case is not None and allows(user, case, action):
        return case
    if getattr(user, "is_authenticated", False):
        access_log.record_denied(user=user, path=path, case=case, action=action, key=str(key))
    raise Http404("No case found.")


def case_key(key: int | str) -> tuple[str, int | str] | None:
    """("pk", id) or ("reference", the reference normalised); None if it cannot be either."""
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        return "pk", int(key)
    try:
        return "reference", normalise_reference(str(key))
    except InvalidReference:
        return None


def _lookup(queryset: QuerySet[Case], field: str, value: int | str) -> Case | None:
    # both keys are unique: no ORDER BY (``first()`` would sort by the model's ordering)
    return next(iter(queryset.order_by().filter(**{field: value})[:1]), None)


def get_resident_for(user: Any, pk: int, *, path: str = "") -> Resident:
    """A resident the user may see, or log the attempt and 404."""
    # one row by its key: no ORDER BY (``first()`` would sort by the model's ordering)
    resident = next(
        iter(visible_residents(user, Resident.objects.filter(pk=pk)).order_by()[:1]), None
    )
    if resident is not None:
        return resident
    if getattr(user, "is_authenticated", False):
        access_log.record_denied(user=user, path=path, action="view_resident", key=str(pk))
    raise Http404("No resident found.")


def get_attachment_for(user: Any, pk: int, *, path: str = "") -> Attachment:
    """A stored file, for whoever may see its case (the same rule); else log and 404."""
    attachment = (
        Attachment.objects.select_related("contact__case").filter(pk=pk).exclude(file="").first()
    )
    if attachment is None:
        if getattr(user, "is_authenticated", False):
            access_log.record_denied(user=user, path=path, action="attachment", key=str(pk))
        raise Http404("No file found.")
    get_case_for(user, attachment.contact.case_id, VIEW, path=path)
    return attachment


def can_review_held_email(user: Any) -> bool:
    """Held inbound mail (automatic, bulk, unusable): contact centre, managers and admins."""
    return bool(roles(user) & {CONTACT_CENTRE, MANAGER, ADMIN})


def can_read_demo_outbox(user: Any) -> bool:
    """The demo's outbox (development only): every staff role, to follow the demo end to end."""
    return demo_outbox.enabled() and is_portal_staff(user)


# --- partner organisations (Open311; the /api/v1/ views keep their own partner_case) ----------


def partner_services(
    partner: Any | None, queryset: QuerySet[Service] | None = None
) -> QuerySet[Service]:
    """The services a partner may file into: its allowed list, or every active one."""
    services = Service.objects.filter(is_active=True) if queryset is None else queryset
    if partner is not None:
        allowed = partner.allowed_services.all()
        if allowed.exists():
            services = services.filter(pk__in=allowed)
    return services


def open311_visible_cases(partner: Any | None, queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Reports about a place are public (street level, no personal data); a partner also sees
    the cases it filed. Cases merged into another are not listed."""
    visible = Q(service__is_location_based=True)
    if partner is not None:
        visible |= Q(partner=partner)
    return queryset.filter(visible, merged_into__isnull=True)


def partner_sees_private(partner: Any | None, case: Case) -> bool:
    """Only the partner that filed a case sees its description and status notes."""
    return partner is not None and case.partner_id == partner.pk


def partner_cases(partner: Any) -> QuerySet[Case]:
    """The cases a partner filed: the only ones its updates read and its comments reach."""
    return Case.objects.filter(partner=partner, merged_into__isnull=True)
