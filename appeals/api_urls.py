from django.urls import path

from appeals import apis

urlpatterns = [
    path("decisions/", apis.DecisionListApi.as_view(), name="decision-list"),
    path("decisions/<uuid:decision_id>/", apis.DecisionDetailApi.as_view(), name="decision-detail"),
]
