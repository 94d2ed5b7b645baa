from django.contrib import admin
from django.urls import include, path

from enquiries import notify_callback, optout
from insight import views as insight_views
from portal import views

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", views.ready, name="healthz_ready"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("enquiries.api.urls")),
    path("open311/v2/", include("channels.open311.urls")),
    path("callbacks/notify/", notify_callback.delivery_receipt, name="notify_callback"),
    path("callbacks/email/", include("channels.inbound_email.urls")),
    path("updates/stop/<str:token>/", optout.stop_updates, name="optout"),
    path("staff/insight/", include("insight.urls")),
    path("api/insight/v1/", include("insight.api_urls")),
    path("performance/", insight_views.performance, name="performance"),
    path("staff/", include("enquiries.staff.urls")),
    path("staff/contact/", include("channels.assisted.urls")),
    path("staff/email/held/", include("channels.inbound_email.staff_urls")),
    path("", include("router.urls")),  # tracking-link answers, Triage's service choice
    path("", include("channels.web.urls")),
]
# Uploads are never served from a public path, in any setting: staff open them through
# staff:attachment (policy check, access log, download headers).
