from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from enquiries import notify_callback, optout
from portal import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("enquiries.api.urls")),
    path("callbacks/notify/", notify_callback.delivery_receipt, name="notify_callback"),
    path("callbacks/email/", include("channels.inbound_email.urls")),
    path("updates/stop/<str:token>/", optout.stop_updates, name="optout"),
    path("staff/", include("enquiries.staff.urls")),
    path("staff/contact/", include("channels.assisted.urls")),
    path("staff/email/held/", include("channels.inbound_email.staff_urls")),
    path("", include("channels.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
