from django.urls import path

from floor.views import row

urlpatterns = [path("", row, name="row")]
