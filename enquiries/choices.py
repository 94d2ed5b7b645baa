"""Enumerations shared by the case domain, the channels and the API."""

from django.db import models


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_RESIDENT = "awaiting_resident", "Awaiting resident"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


# What residents read: the same statuses in their words (staff see the labels above).
RESIDENT_STATUS_LABELS: dict[str, str] = {
    Status.RECEIVED: "Received",
    Status.OPEN: "With the right team",
    Status.IN_PROGRESS: "In progress",
    Status.AWAITING_RESIDENT: "Waiting for your reply",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Closed",
    Status.REOPENED: "Reopened",
}

OPEN_STATUSES = (
    Status.RECEIVED,
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.AWAITING_RESIDENT,
    Status.REOPENED,
)


class Channel(models.TextChoices):
    WEB = "web", "Online form"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    FACE_TO_FACE = "face_to_face", "Face to face"
    API = "api", "Partner API"
    SMS = "sms", "Text message"  # outbound updates only


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the resident"
    OUTBOUND = "outbound", "To the resident"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class UpdatePreference(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    NONE = "none", "No updates"


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    DUE_SOON = "due_soon", "Due soon"
    BREACHED = "breached", "Breached"


class AssistedDigitalReason(models.TextChoices):
    NO_INTERNET = "no_internet", "No internet access"
    CONFIDENCE = "confidence", "Lacks confidence online"
    LANGUAGE = "language", "Language"
    DISABILITY = "disability", "Disability"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    NONE = "", "—"
    RESOLVED = "resolved", "Resolved"
    ANSWERED_AUTOMATICALLY = "answered_automatically", "Answered automatically"
    RESOLVED_FIRST_CONTACT = "resolved_first_contact", "Resolved at first contact"
    NOT_COUNCIL = "not_council", "Not a council matter: signposted"
    NO_ACTION = "no_action", "No action needed"
    DUPLICATE = "duplicate", "Duplicate of another case"
    WITHDRAWN = "withdrawn", "Withdrawn by the resident"


class EventKind(models.TextChoices):
    CREATED = "created", "Case created"
    STATUS = "status", "Status changed"
    ROUTED = "routed", "Routed"
    ASSIGNED = "assigned", "Assigned"
    TRANSFERRED = "transferred", "Transferred"
    NOTE = "note", "Internal note"
    CONTACT = "contact", "Contact added"
    NOTIFICATION_SENT = "notification_sent", "Update sent"
    NOTIFICATION_FAILED = "notification_failed", "Update failed"
    SLA = "sla", "Service level"
    ESCALATED = "escalated", "Escalated"
    MERGED = "merged", "Merged"
    SUBSCRIBED = "subscribed", "Resident added to this case"
    EXPECTED_DATE = "expected_date", "Expected date changed"


class QuestionType(models.TextChoices):
    TEXT = "text", "Text"
    CHOICE = "choice", "Choice"
    DATE = "date", "Date"
    YES_NO = "yes_no", "Yes or no"
    LOCATION = "location", "Location"
    NUMBER = "number", "Whole number"
    MULTI_CHOICE = "multi_choice", "Choose any"


#: On a Resident made from email whose sender could not be authenticated (DMARC/SPF/DKIM): the
#: data-quality view lists them, as the details may not be the sender's own.
UNVERIFIED_SENDER_FLAG = "unverified_sender"
