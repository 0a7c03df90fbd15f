from django.urls import path

from accounts import views

urlpatterns = [
    path("account/", views.account, name="account"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    path("account/confirmation/resend/", views.verification_resend, name="verification-resend"),
]
