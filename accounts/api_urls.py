from django.urls import path

from accounts import apis

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="me"),
    path("notifications/", apis.NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/unread-count/", apis.NotificationUnreadCountApi.as_view(), name="notification-unread"
    ),
    path("notifications/read/", apis.NotificationMarkReadApi.as_view(), name="notification-read"),
]
