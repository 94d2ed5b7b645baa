from django.urls import path

from insight import views

app_name = "insight"

urlpatterns = [
    path("", views.section, name="home"),
    path("cases/", views.cases, name="cases"),
    path("<slug:slug>/", views.section, name="section"),
    path("<slug:slug>/<slug:table_id>.csv", views.export_csv, name="csv"),
]
