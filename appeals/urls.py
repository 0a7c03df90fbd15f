from django.urls import path

from appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.index, name="index"),
    path("wallet/", views.wallet, name="wallet"),
    path("standing/", views.standing, name="standing"),
    path("decisions/<uuid:decision_id>/", views.decision_detail, name="decision"),
    path("<uuid:appeal_id>/", views.appeal_detail, name="appeal"),
    path("<uuid:appeal_id>/withdraw/", views.appeal_withdraw, name="withdraw"),
    path("<uuid:appeal_id>/evidence/<id:evidence_id>/", views.evidence_file, name="evidence"),
]
