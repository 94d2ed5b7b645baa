"""DRF authentication and throttling for partner organisations."""

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request
from rest_framework.views import APIView

from enquiries.api.partners import partner_for_token
from enquiries.models import PartnerOrganisation
from portal import shared_counts


class PartnerUser(AnonymousUser):
    """A request user standing for a partner organisation, never a member of staff."""

    def __init__(self, partner: PartnerOrganisation):
        super().__init__()
        self.partner = partner

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return f"partner:{self.partner.slug}"


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[PartnerUser, PartnerOrganisation] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as: Authorization: Bearer <token>"
            )
        partner = partner_for_token(header[1])
        if partner is None:
            raise exceptions.AuthenticationFailed(
                "This API token is not valid or has been withdrawn."
            )
        return PartnerUser(partner), partner

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IsPartner(permissions.BasePermission):
    message = "A partner API token is required."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, PartnerOrganisation)


class PartnerRateThrottle(throttling.SimpleRateThrottle):
    """Each partner's own requests-per-minute allowance, counted in the shared cache."""

    scope = "partner"

    def get_rate(self) -> str:
        return "60/min"

    def allow_request(self, request: Request, view: APIView) -> bool:
        """Counted in the shared cache; per process while Redis is down (never a 500)."""
        if isinstance(request.auth, PartnerOrganisation):
            self.num_requests, self.duration = request.auth.requests_per_minute, 60
        try:
            return super().allow_request(request, view)
        except shared_counts.cache_errors() as exc:
            shared_counts.note_down(exc)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        window = int(self.timer() // self.duration)
        return shared_counts.incr(f"{self.key}:{window}", self.duration) <= self.num_requests

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.auth, PartnerOrganisation):
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
