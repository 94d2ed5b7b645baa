from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "channels.web"
    label = "channels_web"  # explicit: "channels" is also Django Channels' import name
    verbose_name = "Resident web channel"
