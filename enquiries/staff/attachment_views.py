"""Residents' files, for staff who may see the case: the only way an upload leaves the server.

Nothing under MEDIA_ROOT has a public URL, in any setting. Every file is sent as a download
with the type we detected from its content; only images may be shown inline (thumbnails on the
case page), and then in a sandbox with no scripts, styles or requests of their own.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest

from enquiries import access_log, policy
from enquiries.staff.access import staff_required

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
SANDBOX = "sandbox; default-src 'none'"


@staff_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = policy.get_attachment_for(request.user, pk, path=request.get_full_path())
    contact = attachment.contact
    access_log.record_view(
        user=request.user,
        path=request.get_full_path(),
        case=contact.case,
        resident=contact.resident or contact.case.resident,
        action="view_attachment",
    )
    content_type = attachment.content_type or "application/octet-stream"
    inline = request.GET.get("inline") == "1" and content_type in INLINE_TYPES
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
