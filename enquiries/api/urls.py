from django.urls import path

from enquiries.api import views

app_name = "api"

urlpatterns = [
    path("services/", views.ServiceList.as_view(), name="services"),
    path("enquiries/", views.EnquiryCreate.as_view(), name="enquiry-create"),
    path("enquiries/<str:reference>/", views.EnquiryDetail.as_view(), name="enquiry"),
    path(
        "enquiries/<str:reference>/contacts/",
        views.EnquiryContactCreate.as_view(),
        name="enquiry-contact",
    ),
]
