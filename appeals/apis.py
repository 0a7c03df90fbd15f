from __future__ import annotations

from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from appeals import selectors
from appeals.models import Decision


class DecisionOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    kind_display = serializers.CharField(source="get_kind_display")
    state_display = serializers.CharField(source="get_state_display")

    class Meta:
        model = Decision
        fields = [
            "id",
            "kind",
            "kind_display",
            "state",
            "state_display",
            "subject_type",
            "subject_id",
            "subject_title",
            "summary",
            "facts",
            "evidence",
            "rule",
            "automated_detection",
            "automated_decision",
            "created_at",
            "ends_at",
            "reversed_at",
        ]


class DecisionListApi(ListAPIView):
    serializer_class = DecisionOutputSerializer
    queryset = Decision.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):  # noqa: ANN201
        return selectors.decision_list_for_user(user=self.request.user)


class DecisionDetailApi(RetrieveAPIView):
    serializer_class = DecisionOutputSerializer
    queryset = Decision.objects.none()  # for the schema; requests use get_object

    def get_object(self) -> Decision:
        return selectors.decision_get_for_user(user=self.request.user, decision_id=self.kwargs["decision_id"])
