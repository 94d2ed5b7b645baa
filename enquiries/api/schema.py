"""The published OpenAPI 3 contract of the partner API (drf-spectacular), and its docs page.

Only /api/v1/ is described: the Open311 endpoints follow their own published specification.
The docs page is Redoc from drf-spectacular-sidecar (served from our static files, no CDN).
"""

from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.permissions import AllowAny

from portal.settings import SECURE_CSP


def only_partner_api(endpoints, **kwargs):
    """Preprocessing hook: keep the partner API, drop the schema and docs views themselves."""
    return [
        (path, regex, method, view)
        for path, regex, method, view in endpoints
        if path.startswith("/api/v1/") and not path.startswith(("/api/v1/schema", "/api/v1/docs"))
    ]


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "enquiries.api.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Your partner token: Authorization: Bearer ncc_…",
        }


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


# Redoc styles itself with inline <style> and renders in a blob: worker; only this page
# loosens the portal's policy, and only for those two.
DOCS_CSP = {
    **SECURE_CSP,
    "style-src": [*SECURE_CSP["style-src"], "'unsafe-inline'"],
    "worker-src": ["'self'", "blob:"],
}


@method_decorator(csp_override(DOCS_CSP), name="dispatch")
class DocsView(SpectacularRedocView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    template_name = "api/redoc.html"
    title = "Northmoor County Council partner API"
