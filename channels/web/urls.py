from django.urls import path

from channels.web.views import details, info, journey, pages, places, tracking

app_name = "web"

urlpatterns = [
    path("", pages.home, name="home"),
    path("search/", pages.search, name="search"),
    path("services/<slug:slug>/", pages.service_detail, name="service"),
    path("services/<slug:slug>/answered/", pages.self_service, name="self_service"),
    path("services/<slug:slug>/start/", journey.start, name="start"),
    path("services/<slug:slug>/report/sent/", journey.sent, name="sent"),
    path("services/<slug:slug>/report/<slug:step>/", journey.step, name="step"),
    path("keep-my-answers/", journey.keep, name="keep_answers"),
    path("accessibility/", info.accessibility, name="accessibility"),
    path("privacy/", info.privacy, name="privacy"),
    path("cookies/", info.cookies, name="cookies"),
    path("find/", tracking.find, name="find"),
    path("find/sent/", tracking.find_sent, name="find_sent"),
    path("track/<str:token>/", tracking.track, name="track"),
    path("track/<str:token>/stop-updates/", tracking.stop_updates, name="stop_updates"),
    path("track/<str:token>/details/", details.change_details, name="change_details"),
    path("track/<str:token>/details/confirm/", details.confirm_details, name="confirm_details"),
    path("places/postcode/", places.postcode_lookup, name="postcode_lookup"),
    path("places/report-photo/<str:token>/", places.report_photo, name="report_photo"),
]
