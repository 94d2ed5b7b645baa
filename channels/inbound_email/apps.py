from django.apps import AppConfig


class InboundEmailConfig(AppConfig):
    name = "channels.inbound_email"
    label = "channels_inbound_email"  # explicit: "channels" is also Django Channels' import name
    verbose_name = "Inbound email channel"
