from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "channels.open311"
    label = "channels_open311"  # explicit: "channels" is also Django Channels' import name
    verbose_name = "Open311 GeoReport v2 channel"
