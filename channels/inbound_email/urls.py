from django.urls import path

from channels.inbound_email.webhook import InboundEmailWebhookView

app_name = "inbound_email"

urlpatterns = [
    path("mailgun/inbound/", InboundEmailWebhookView.as_view(), name="mailgun_inbound"),
]
