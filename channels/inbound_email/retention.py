"""Raw inbound emails hold personal data of their own: retention and erasure scrub them here.

Registered with ``enquiries.retention`` when the app loads (enquiries never imports channels).
The row stays, with its status, outcome, kind and dates, so mailbox statistics still add up.
"""

from __future__ import annotations

from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Concat

from channels.inbound_email.models import InboundMessage


def scrub_inbound_emails(case_ids: list[int], addresses: list[str]) -> int:
    """Empty the raw message, sender, subject and ids of the emails of these cases/senders."""
    query = Q(case_id__in=case_ids) if case_ids else Q(pk__in=[])
    for address in addresses:
        query |= Q(sender__iexact=address)
    return InboundMessage.objects.filter(query).update(
        raw=b"",
        sender="",
        subject="",
        message_id="",
        reason="",
        dedupe_key=Concat(
            Value("removed:"),
            Cast(F("pk"), output_field=InboundMessage._meta.get_field("dedupe_key")),
        ),
    )
