from django.urls import path

from enquiries.api import schema, views

app_name = "api"

urlpatterns = [
    path("schema/", schema.SchemaView.as_view(), name="schema"),
    path("docs/", schema.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("services/", views.ServiceList.as_view(), name="services"),
    path("enquiries/", views.EnquiryCreate.as_view(), name="enquiry-create"),
    path("enquiries/<str:reference>/", views.EnquiryDetail.as_view(), name="enquiry"),
    path(
        "enquiries/<str:reference>/contacts/",
        views.EnquiryContactCreate.as_view(),
        name="enquiry-contact",
    ),
    path("webhooks/", views.WebhookList.as_view(), name="webhooks"),
    path("webhooks/<str:pk>/", views.WebhookDetail.as_view(), name="webhook"),
]
