from django.urls import path

from channels.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("services/<slug:slug>/", views.service_detail, name="service"),
    path("track/<str:token>/", views.track, name="track"),
]
