from django.urls import path

from notes import apis

urlpatterns = [
    path("notes/", apis.NoteListCreateApi.as_view(), name="note-list"),
    path("notes/<uuid:note_id>/", apis.NoteDetailApi.as_view(), name="note-detail"),
    path("notes/<uuid:note_id>/images/", apis.NoteImageUploadApi.as_view(), name="note-images"),
    path(
        "notes/<uuid:note_id>/images/<uuid:image_id>/", apis.NoteImageDeleteApi.as_view(), name="note-image"
    ),
    path("notes/<uuid:note_id>/video/", apis.NoteVideoApi.as_view(), name="note-video"),
    path("notes/<uuid:note_id>/declaration/", apis.NoteDeclarationApi.as_view(), name="note-declaration"),
    path("notes/<uuid:note_id>/publish/", apis.NotePublishApi.as_view(), name="note-publish"),
    path("notes/<uuid:note_id>/traffic/", apis.NoteTrafficApi.as_view(), name="note-traffic"),
    path("notes/<uuid:note_id>/comments/", apis.CommentListCreateApi.as_view(), name="note-comments"),
    path(
        "notes/<uuid:note_id>/comments/<uuid:comment_id>/",
        apis.CommentDetailApi.as_view(),
        name="note-comment",
    ),
    path("notes/<uuid:note_id>/like/", apis.LikeApi.as_view(), name="note-like"),
    path("vouchers/<uuid:voucher_id>/redeem/", apis.VoucherRedeemApi.as_view(), name="voucher-redeem"),
    path("reports/", apis.ReportListCreateApi.as_view(), name="reports"),
    path("feed/", apis.FeedApi.as_view(), name="feed"),
    path("feed/<uuid:note_id>/", apis.PublicNoteApi.as_view(), name="feed-note"),
]
