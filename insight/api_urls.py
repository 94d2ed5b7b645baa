from django.urls import path

from insight import api

app_name = "insight_api"

urlpatterns = [
    path("", api.SectionList.as_view(), name="sections"),
    path("<slug:slug>/", api.SectionTables.as_view(), name="section"),
]
