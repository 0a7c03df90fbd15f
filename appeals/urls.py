from django.urls import path

from appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.index, name="index"),
    path("decisions/<uuid:decision_id>/", views.decision_detail, name="decision"),
]
