from django.urls import path

from router import views

app_name = "router"

urlpatterns = [
    path("track/<str:token>/answer/", views.answer_helped, name="answer_helped"),
    path("track/<str:token>/sorted/", views.is_it_sorted, name="is_it_sorted"),
    path(
        "staff/cases/<str:reference>/choose-service/",
        views.choose_service,
        name="choose_service",
    ),
]
