"""Issuing and checking partner API tokens: only a hash is ever stored.

A partner may hold several tokens: rotation issues a new one and lets the old ones run on for
an overlap so the partner can switch without an outage. A token may expire; the admin revokes.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from enquiries.models import PartnerOrganisation, PartnerToken

TOKEN_BYTES = 32
LAST_USED_EVERY = timedelta(minutes=1)  # at most one write per token a minute


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(partner: PartnerOrganisation, expires_at: datetime | None) -> str:
    token = "ncc_" + secrets.token_urlsafe(TOKEN_BYTES)
    PartnerToken.objects.create(
        partner=partner, token_hash=hash_token(token), prefix=token[:8], expires_at=expires_at
    )
    # the partner row shows the newest token (its hash column predates PartnerToken)
    partner.token_hash, partner.token_prefix = hash_token(token), token[:8]
    partner.save(update_fields=["token_hash", "token_prefix"])
    return token


@transaction.atomic
def issue_token(
    *,
    name: str,
    contact_email: str = "",
    rotate: bool = False,
    expires_at: datetime | None = None,
) -> tuple[PartnerOrganisation, str]:
    """Create a partner (or, with rotate, replace its tokens at once). Returns the token, shown
    once."""
    partner = PartnerOrganisation.objects.filter(name=name).first()
    if partner and not rotate:
        raise ValueError(f"{name} already has a token; rotate it to issue a new one.")
    if partner is None:
        partner = PartnerOrganisation.objects.create(
            name=name,
            slug=slugify(name)[:80],
            contact_email=contact_email,
            token_hash=secrets.token_hex(32),  # replaced below
        )
        return partner, _new_token(partner, expires_at)
    return partner, rotate_token(partner=partner, overlap=timedelta(0), expires_at=expires_at)


@transaction.atomic
def rotate_token(
    *,
    partner: PartnerOrganisation,
    overlap: timedelta = timedelta(days=7),
    expires_at: datetime | None = None,
) -> str:
    """A new token; the partner's current ones keep working for the overlap, then stop."""
    end = timezone.now() + overlap
    current = PartnerToken.objects.filter(partner=partner, revoked_at__isnull=True)
    current.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=end)).update(expires_at=end)
    return _new_token(partner, expires_at)


def revoke_tokens(tokens: QuerySet[PartnerToken]) -> int:
    """Stop these tokens now (the admin's action). Returns how many were live."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def partner_for_token(token: str) -> PartnerOrganisation | None:
    """The partner of a live token (not expired, not revoked, partner active), else None."""
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    now = timezone.now()
    row = (
        PartnerToken.objects.select_related("partner")
        .filter(token_hash=digest, revoked_at__isnull=True, partner__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        PartnerToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.partner
