from django.urls import path

from appeals import apis

urlpatterns = [
    path("decisions/", apis.DecisionListApi.as_view(), name="decision-list"),
    path("decisions/<uuid:decision_id>/", apis.DecisionDetailApi.as_view(), name="decision-detail"),
    path("appeals/", apis.AppealListCreateApi.as_view(), name="appeal-list"),
    path("appeals/<uuid:appeal_id>/", apis.AppealDetailApi.as_view(), name="appeal-detail"),
    path("appeals/<uuid:appeal_id>/withdraw/", apis.AppealWithdrawApi.as_view(), name="appeal-withdraw"),
    path("appeals/<uuid:appeal_id>/evidence/", apis.AppealEvidenceApi.as_view(), name="appeal-evidence"),
    path("vouchers/", apis.VoucherListApi.as_view(), name="voucher-list"),
    path("standing/", apis.StandingApi.as_view(), name="standing"),
]
