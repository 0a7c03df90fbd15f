from django.urls import path

from notes import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("topics/<str:slug>/", views.topic_detail, name="topic"),
    path("notes/new/", views.note_new, name="note-new"),
    path("notes/<uuid:note_id>/", views.note_detail, name="note-detail"),
    path("notes/<uuid:note_id>/edit/", views.note_edit, name="note-edit"),
    path("notes/<uuid:note_id>/images/", views.note_images_upload, name="note-images"),
    path("notes/<uuid:note_id>/scan-status/", views.note_scan_status, name="note-scan-status"),
    path("notes/<uuid:note_id>/video/", views.note_video_upload, name="note-video"),
    path("notes/<uuid:note_id>/video/remove/", views.note_video_remove, name="note-video-remove"),
    path("notes/<uuid:note_id>/video/status/", views.note_video_status, name="note-video-status"),
    path("notes/<uuid:note_id>/video/download/", views.note_video_download, name="note-video-download"),
    path(
        "notes/<uuid:note_id>/images/<uuid:image_id>/download/",
        views.note_image_download,
        name="note-image-download",
    ),
    path(
        "notes/<uuid:note_id>/images/<uuid:image_id>/remove/",
        views.note_image_remove,
        name="note-image-remove",
    ),
    path(
        "notes/<uuid:note_id>/images/<uuid:image_id>/alt/",
        views.note_image_alt,
        name="note-image-alt",
    ),
    path("notes/<uuid:note_id>/declaration/", views.note_declaration, name="note-declaration"),
    path(
        "notes/<uuid:note_id>/declaration/from-evidence/",
        views.note_declaration_from_evidence,
        name="note-declaration-from-evidence",
    ),
    path("notes/<uuid:note_id>/publish/", views.note_publish, name="note-publish"),
    path("notes/<uuid:note_id>/delete/", views.note_delete, name="note-delete"),
    path("notes/<uuid:note_id>/traffic/", views.note_traffic, name="note-traffic"),
    path("notes/<uuid:note_id>/comments/", views.comment_create, name="note-comment"),
    path(
        "notes/<uuid:note_id>/comments/<uuid:comment_id>/delete/",
        views.comment_delete,
        name="note-comment-delete",
    ),
    path("notes/<uuid:note_id>/like/", views.note_like, name="note-like"),
    path("report/<str:subject_type>/<uuid:subject_id>/", views.report_new, name="report"),
    path("reports/", views.my_reports, name="my-reports"),
    path("notes/<uuid:note_id>/traffic/chart.svg", views.note_traffic_chart, name="note-traffic-chart"),
    path("wallet/<uuid:voucher_id>/redeem/", views.voucher_redeem, name="voucher-redeem"),
]
