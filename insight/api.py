"""JSON API for the council's BI tool: the insight tables, token-authenticated, suppressed.

``GET /api/insight/v1/`` lists the sections; ``GET /api/insight/v1/<section>/`` returns its
tables for the filters in the query string (start, end as YYYY-MM-DD; department, service as
ids; channel; place as kind:code, e.g. ward:E05000001; by; grain week|month). Authenticate with
``Authorization: Token <key>`` (``manage.py drf_create_token <username>`` for a user with the
analyst or manager role). Counts under 5 are "fewer than 5" for every caller.
"""

from __future__ import annotations

from django.http import Http404
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enquiries import policy
from insight import figures
from insight.filters import InsightFilterForm, filters_from
from insight.presentation import as_json


class CanViewInsight(BasePermission):
    message = "This token's user may not read insight figures."

    def has_permission(self, request, view) -> bool:
        return policy.can_view_insight(request.user)


class InsightApi(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [CanViewInsight]


class SectionList(InsightApi):
    def get(self, request: Request) -> Response:
        return Response(
            {
                "sections": [
                    {"slug": s.slug, "title": s.title, "summary": s.summary}
                    for s in figures.SECTIONS.values()
                ]
            }
        )


class SectionTables(InsightApi):
    def get(self, request: Request, slug: str) -> Response:
        section = figures.SECTIONS.get(slug)
        if section is None:
            raise Http404("No such section.")
        form = InsightFilterForm(request.query_params or None)
        if request.query_params and not form.is_valid():
            return Response({"errors": form.errors}, status=400)
        f = filters_from(form)
        return Response(
            {
                "section": slug,
                "filters": f.params(),
                "tables": [as_json(t) for t in section.build(f)],
            }
        )
