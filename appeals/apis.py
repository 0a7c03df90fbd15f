from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import RetrieveAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from appeals import selectors, services
from appeals.models import APPEAL_REASON_MAX, Appeal, CompensationVoucher, Decision, DecisionEvent
from appeals.redress import further_redress_text
from core.apis import SelectorListApi
from core.serializers import StrictCharField


class DecisionOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    kind_display = serializers.CharField(source="get_kind_display")
    state_display = serializers.CharField(source="get_state_display")
    rule = serializers.CharField(
        source="rule_text",
        help_text="The guideline applied, in the reader's language (as recorded when it is another one).",
    )

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
            "rule_code",
            "ground",
            "content_type",
            "source",
            "automated_detection",
            "automated_decision",
            "territorial_scope",
            "created_at",
            "ends_at",
            "reversed_at",
            "expired_at",
        ]


class DecisionEventSerializer(serializers.Serializer):
    """One change in the decision's history, as the creator sees it (no internal notes, no staff names)."""

    kind = serializers.ChoiceField(choices=DecisionEvent.Kind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    by = serializers.SerializerMethodField(help_text="system (automated) or staff.")
    reason = serializers.CharField()
    at = serializers.DateTimeField()

    def get_by(self, event: DecisionEvent) -> str:
        return "staff" if event.actor_id else "system"


class DecisionDetailSerializer(DecisionOutputSerializer):
    timeline = DecisionEventSerializer(many=True, source="events.all")

    class Meta(DecisionOutputSerializer.Meta):
        fields = [*DecisionOutputSerializer.Meta.fields, "timeline"]


class DecisionListApi(SelectorListApi):
    serializer_class = DecisionOutputSerializer
    queryset = Decision.objects.none()

    @staticmethod
    def selector(request: Request) -> QuerySet[Decision]:
        return selectors.decision_list_for_user(user=request.user)


class DecisionDetailApi(RetrieveAPIView):
    serializer_class = DecisionDetailSerializer
    queryset = Decision.objects.none()  # for the schema; requests use get_object

    def get_object(self) -> Decision:
        return selectors.decision_get_for_user(user=self.request.user, decision_id=self.kwargs["decision_id"])


class EventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    message = serializers.CharField()
    at = serializers.DateTimeField()


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class VoucherDeliverySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[("active", "active"), ("delivered", "delivered"), ("ended", "ended")]
    )
    target = serializers.IntegerField()
    delivered = serializers.IntegerField()
    ends_at = serializers.DateTimeField()


class VoucherSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    impressions = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    redeemed_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.UUIDField(source="decision.public_id")
    appeal = serializers.UUIDField(
        source="appeal.public_id",
        allow_null=True,
        help_text="The appeal that overturned it; null when staff reversed it.",
    )
    redeemed_on = serializers.UUIDField(allow_null=True, help_text="The note the voucher boosts.")
    delivery = serializers.SerializerMethodField(
        help_text="The boost a redeemed voucher pays for: state and impressions delivered so far."
    )

    @extend_schema_field(VoucherDeliverySerializer(allow_null=True))
    def get_delivery(self, voucher: CompensationVoucher) -> dict | None:
        boost = getattr(voucher, "boost", None) if voucher.redeemed_at else None
        if boost is None:
            return None
        return {
            "state": boost.state,
            "target": boost.target,
            "delivered": boost.delivered,
            "ends_at": boost.ends_at,
        }


class AppealSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    decision = DecisionOutputSerializer()
    state = serializers.ChoiceField(choices=Appeal.State.choices)
    state_display = serializers.CharField(source="get_state_display")
    reason = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(help_text="When a decision is expected (the service-level target).")
    decided_at = serializers.DateTimeField(allow_null=True)
    reply = serializers.CharField(help_text="The staff member's reasoned reply, once decided.")
    further_redress = serializers.SerializerMethodField()

    def get_further_redress(self, appeal: Appeal) -> str | None:
        if appeal.state != Appeal.State.UPHELD:
            return None
        return further_redress_text()


class AppealDetailSerializer(AppealSerializer):
    timeline = EventSerializer(many=True, source="events.all")
    evidence = EvidenceSerializer(many=True, source="evidence.all")
    vouchers = VoucherSerializer(many=True, source="vouchers.all")


class AppealListCreateApi(SelectorListApi):
    serializer_class = AppealSerializer
    queryset = Appeal.objects.none()
    ordering = ("-submitted_at", "-id")

    class AppealFileInputSerializer(serializers.Serializer):
        decision = serializers.UUIDField()
        reason = StrictCharField(max_length=APPEAL_REASON_MAX)

    @staticmethod
    def selector(request: Request) -> QuerySet[Appeal]:
        return selectors.appeal_list_for_user(user=request.user)

    @extend_schema(request=AppealFileInputSerializer, responses={201: AppealDetailSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.AppealFileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = selectors.decision_get_for_user(
            user=request.user, decision_id=serializer.validated_data["decision"]
        )
        appeal = services.appeal_file(
            decision=decision, appellant=request.user, reason=serializer.validated_data["reason"]
        )
        detail = selectors.appeal_get_for_user(user=request.user, appeal_id=appeal.public_id)
        return Response(AppealDetailSerializer(detail).data, status=status.HTTP_201_CREATED)


class AppealDetailApi(APIView):
    @extend_schema(responses=AppealDetailSerializer)
    def get(self, request: Request, appeal_id: str) -> Response:
        return Response(
            AppealDetailSerializer(selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)).data
        )


class AppealWithdrawApi(APIView):
    @extend_schema(request=None, responses=AppealDetailSerializer)
    def post(self, request: Request, appeal_id: str) -> Response:
        appeal = selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
        services.appeal_withdraw(appeal=appeal, acting_user=request.user)
        return Response(
            AppealDetailSerializer(selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)).data
        )


class AppealEvidenceApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "uploads"

    class EvidenceInputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text="An image (JPEG, PNG, WebP) or a PDF, at most 20 MB.")

    @extend_schema(request=EvidenceInputSerializer, responses={201: AppealDetailSerializer})
    def post(self, request: Request, appeal_id: str) -> Response:
        appeal = selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
        serializer = self.EvidenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        services.evidence_check_size(size=upload.size, name=upload.name, field="file")
        services.appeal_evidence_add(
            appeal=appeal, acting_user=request.user, files=[(upload.name, upload.read())]
        )
        detail = selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
        return Response(AppealDetailSerializer(detail).data, status=status.HTTP_201_CREATED)


class VoucherListApi(SelectorListApi):
    serializer_class = VoucherSerializer
    queryset = CompensationVoucher.objects.none()
    ordering = ("-issued_at", "-id")

    @staticmethod
    def selector(request: Request) -> QuerySet[CompensationVoucher]:
        return selectors.voucher_list_for_user(user=request.user)


class LadderStepSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Decision.Kind.choices)
    label = serializers.CharField()
    reached = serializers.BooleanField()
    current = serializers.BooleanField()


class StandingSerializer(serializers.Serializer):
    good_standing = serializers.BooleanField(help_text="No measure beyond a warning is in force.")
    level = serializers.IntegerField(help_text="The rung of the ladder the account stands on (-1: none).")
    next = serializers.ChoiceField(
        choices=Decision.Kind.choices, help_text="The measure another violation would bring."
    )
    ladder = LadderStepSerializer(many=True)
    in_force = DecisionOutputSerializer(many=True)
    history = DecisionOutputSerializer(many=True)


class StandingApi(APIView):
    """My standing: measures against my account in force (with their end), history, the ladder."""

    @extend_schema(responses=StandingSerializer)
    def get(self, request: Request) -> Response:
        return Response(StandingSerializer(selectors.account_standing(user=request.user)).data)
