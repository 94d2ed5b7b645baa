"""Issuing and checking partner API tokens: only a hash is ever stored."""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils.text import slugify

from enquiries.models import PartnerOrganisation

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(
    *, name: str, contact_email: str = "", rotate: bool = False
) -> tuple[PartnerOrganisation, str]:
    """Create a partner (or, with rotate, replace its token). Returns the token, shown once."""
    token = "ncc_" + secrets.token_urlsafe(TOKEN_BYTES)
    partner = PartnerOrganisation.objects.filter(name=name).first()
    if partner and not rotate:
        raise ValueError(f"{name} already has a token; rotate it to issue a new one.")
    if partner is None:
        partner = PartnerOrganisation(
            name=name, slug=slugify(name)[:80], contact_email=contact_email
        )
    partner.token_hash = hash_token(token)
    partner.token_prefix = token[:8]
    partner.save()
    return partner, token


def partner_for_token(token: str) -> PartnerOrganisation | None:
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    partner = PartnerOrganisation.objects.filter(token_hash=digest, is_active=True).first()
    if partner is None or not hmac.compare_digest(partner.token_hash, digest):
        return None
    return partner
