from django.urls import path

from channels.assisted import views

app_name = "assisted"

urlpatterns = [
    path("", views.log_contact, name="log"),
    path("resident/", views.create_resident, name="create_resident"),
    path("record/", views.record, name="record"),
]
