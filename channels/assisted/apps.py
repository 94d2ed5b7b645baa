from django.apps import AppConfig


class AssistedConfig(AppConfig):
    name = "channels.assisted"
    label = "channels_assisted"  # explicit: "channels" is also Django Channels' import name
    verbose_name = "Phone and face-to-face channel"
