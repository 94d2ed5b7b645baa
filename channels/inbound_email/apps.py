from django.apps import AppConfig


class InboundEmailConfig(AppConfig):
    name = "channels.inbound_email"
    label = "channels_inbound_email"  # explicit: "channels" is also Django Channels' import name
    verbose_name = "Inbound email channel"

    def ready(self) -> None:
        from channels.inbound_email.retention import scrub_inbound_emails
        from enquiries.retention import register_scrubber

        register_scrubber(scrub_inbound_emails)
