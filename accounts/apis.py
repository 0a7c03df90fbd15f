from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Notification
from accounts.notifications import render as notification_render
from core.apis import SelectorListApi
from core.serializers import StrictCharField


class MeApi(APIView):
    class MeOutputSerializer(serializers.Serializer):
        public_id = serializers.UUIDField()
        email = serializers.EmailField()
        display_name = serializers.CharField()
        language = serializers.CharField()
        is_staff = serializers.BooleanField()
        date_joined = serializers.DateTimeField()

    class MeInputSerializer(serializers.Serializer):
        display_name = StrictCharField(max_length=60, allow_blank=True, required=False)
        language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    @extend_schema(responses=MeOutputSerializer, operation_id="me_retrieve")
    def get(self, request: Request) -> Response:
        return Response(self.MeOutputSerializer(request.user).data)

    @extend_schema(request=MeInputSerializer, responses=MeOutputSerializer, operation_id="me_update")
    def patch(self, request: Request) -> Response:
        serializer = self.MeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.user_update_profile(
            user=request.user,
            display_name=data.get("display_name", request.user.display_name),
            language=data.get("language"),
        )
        return Response(self.MeOutputSerializer(request.user).data)


class NotificationActionSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="Stable: view_decision, appeal, view_appeal, use_voucher, view_reports, open."
    )
    label = serializers.CharField(help_text="In the request's language.")
    url = serializers.CharField(help_text="A path on this site.")


class NotificationOutputSerializer(serializers.ModelSerializer):
    """The event (``kind`` and ``params``) for apps that render it themselves (push), and the one-line
    ``message`` with its ``actions`` in the request's language; ``title``/``body`` are what the email said."""

    message = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "params",
            "message",
            "actions",
            "title",
            "body",
            "url",
            "created_at",
            "read_at",
        ]

    def get_message(self, notification: Notification) -> str:
        return notification_render(notification).message

    @extend_schema_field(NotificationActionSerializer(many=True))
    def get_actions(self, notification: Notification) -> list[dict]:
        return [
            {"name": a.name, "label": a.label, "url": a.url}
            for a in notification_render(notification).actions
        ]


class NotificationListApi(SelectorListApi):
    serializer_class = NotificationOutputSerializer
    queryset = Notification.objects.none()

    @staticmethod
    def selector(request: Request) -> QuerySet[Notification]:
        return selectors.notification_list(user=request.user)


class NotificationUnreadCountApi(APIView):
    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    def get(self, request: Request) -> Response:
        return Response({"unread": selectors.notification_unread_count(user=request.user)})


class NotificationMarkReadApi(APIView):
    class MarkReadInputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
            required=False,
            max_length=500,
            help_text="Notification ids to mark read; omit to mark all read.",
        )

    @extend_schema(
        request=MarkReadInputSerializer,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        serializer = self.MarkReadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notification_mark_read(
            user=request.user, notification_ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": marked})
