from django.urls import path, re_path

from channels.open311 import views

app_name = "open311"

F = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    path("", views.root, name="root"),
    re_path(r"^discovery" + F, views.Discovery.as_view(), name="discovery"),
    re_path(r"^services" + F, views.ServiceList.as_view(), name="services"),
    re_path(
        r"^services/(?P<service_code>[-a-zA-Z0-9_]+)" + F,
        views.ServiceDefinition.as_view(),
        name="service",
    ),
    re_path(r"^requests" + F, views.Requests.as_view(), name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[-A-Za-z0-9]+)" + F,
        views.RequestDetail.as_view(),
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[-A-Za-z0-9:_]+)" + F, views.Token.as_view(), name="token"),
    re_path(r"^servicerequestupdates" + F, views.RequestUpdates.as_view(), name="updates"),
]
