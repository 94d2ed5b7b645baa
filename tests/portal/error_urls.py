"""The portal's own URLs, handlers included, plus a view that fails (for the 500 page)."""

from django.urls import path

from portal.urls import *  # noqa: F403  (urlpatterns and the handler400..500 settings)
from portal.urls import urlpatterns as portal_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *portal_urlpatterns]
