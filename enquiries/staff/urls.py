from django.urls import path

from enquiries.staff import (
    api,
    attachment_views,
    auth_views,
    automation_views,
    case_comms_views,
    case_views,
    data_protection_views,
    demo_outbox_views,
    duplicate_views,
    resident_views,
    worklist_views,
)

app_name = "staff"

urlpatterns = [
    path("", worklist_views.home, name="home"),
    path("sign-in/", auth_views.login, name="login"),
    path("sign-out/", auth_views.logout, name="logout"),
    path("two-factor/", auth_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/set-up/", auth_views.two_factor_setup, name="two_factor_setup"),
    path("worklist/", worklist_views.worklist, name="worklist"),
    path("residents/", resident_views.search, name="search"),
    path("residents/<int:pk>/", resident_views.resident_detail, name="resident"),
    path("residents/<int:pk>/change/", resident_views.edit_resident, name="resident_edit"),
    path(
        "residents/<int:pk>/matches/<int:match_pk>/",
        resident_views.decide_match,
        name="resident_match",
    ),
    path(
        "residents/<int:pk>/subject-access/",
        data_protection_views.request_export,
        name="subject_access_request",
    ),
    path("residents/<int:pk>/erase/", data_protection_views.erase, name="resident_erase"),
    path(
        "subject-access/<int:pk>/<str:token>/",
        data_protection_views.export_status,
        name="subject_access",
    ),
    path(
        "subject-access/<int:pk>/<str:token>/download/",
        data_protection_views.export_download,
        name="subject_access_download",
    ),
    path(
        "cases/<str:reference>/legal-hold/",
        data_protection_views.legal_hold,
        name="case_legal_hold",
    ),
    path("outbox/", demo_outbox_views.outbox, name="demo_outbox"),
    path("duplicates/", duplicate_views.duplicates, name="duplicates"),
    path("data-quality/", data_protection_views.data_quality, name="data_quality"),
    path("duplicates/<int:match_pk>/merge/", duplicate_views.merge, name="duplicate_merge"),
    path("merges/<int:pk>/undo/", duplicate_views.undo, name="merge_undo"),
    path("cases/<str:reference>/", case_views.case_detail, name="case"),
    path("cases/<str:reference>/status/", case_views.change_status, name="case_status"),
    path("cases/<str:reference>/assign/", case_views.assign, name="case_assign"),
    path("cases/<str:reference>/note/", case_views.add_note, name="case_note"),
    path("cases/<str:reference>/reply/", case_views.reply, name="case_reply"),
    path("cases/<str:reference>/transfer/", case_views.transfer, name="case_transfer"),
    path("cases/<str:reference>/merge/", case_views.merge, name="case_merge"),
    path(
        "cases/<str:reference>/request-info/",
        case_comms_views.request_info,
        name="case_request_info",
    ),
    path(
        "cases/<str:reference>/expected-date/",
        case_comms_views.expected_date,
        name="case_expected_date",
    ),
    path(
        "cases/<str:reference>/contacts/<int:contact_pk>/chaser/",
        automation_views.correct_chaser,
        name="case_chaser",
    ),
    path("routing/", automation_views.routing_stats, name="routing_stats"),
    path(
        "cases/<str:reference>/withdraw-publication/",
        case_views.withdraw_publication,
        name="case_withdraw_publication",
    ),
    path("attachments/<int:pk>/", attachment_views.download, name="attachment"),
    path("api/cases/<str:reference>/", api.case_summary, name="api_case"),
    path("api/residents/", api.resident_search, name="api_residents"),
]
