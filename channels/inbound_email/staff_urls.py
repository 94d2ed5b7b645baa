from django.urls import path

from channels.inbound_email import views

app_name = "inbound_email_staff"

urlpatterns = [
    path("", views.held_list, name="held_list"),
    path("<int:pk>/", views.held_detail, name="held_detail"),
    path("<int:pk>/open-case/", views.held_open_case, name="held_open_case"),
]
