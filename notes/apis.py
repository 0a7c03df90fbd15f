from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.apis import SelectorListApi
from core.clients import client_of
from core.errors import DomainError, with_field_names
from core.pagination import API_PAGE_SIZE, cursor
from core.serializers import StrictCharField
from core.uploads import MULTIPART_SLACK
from notes import selectors, services
from notes.evidence_text import describe, label_explanation, public_evidence, transient_signal
from notes.impressions import impressions_flush, impressions_record
from notes.models import (
    ALT_TEXT_MAX,
    BODY_MAX,
    COMMENT_MAX,
    MAX_TOOLS,
    MAX_TOPICS,
    REPORT_COMMENT_MAX,
    TITLE_MAX,
    TOOL_NAME_MAX,
    TOPIC_NAME_MAX,
    USAGE_NOTE_MAX,
    AudioPart,
    Boost,
    Comment,
    Degree,
    DistributionFactor,
    ImageScan,
    Label,
    Note,
    NoteImage,
    NoteVideo,
    ProvenanceSignal,
    Report,
    ReportFiling,
    Traffic,
)
from notes.tasks import traffic_tick_if_due


class LabelSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=Label.Tier.choices)
    kind = serializers.ChoiceField(choices=Label.Kind.choices)
    source = serializers.ChoiceField(choices=Label.Source.choices)
    text = serializers.CharField(help_text="The label wording in the request's language.")
    source_display = serializers.CharField(source="get_source_display")
    evidence = serializers.JSONField(
        help_text="What the label rests on: the declaration's parts, or the signals."
    )
    explanation = serializers.SerializerMethodField(
        help_text="“Why this label?” in plain words, in your language."
    )
    decision = serializers.SerializerMethodField(help_text="The decision behind a platform label (its id).")

    def get_explanation(self, label: Label) -> list[str]:
        return label_explanation(label)

    def get_decision(self, label: Label) -> str | None:
        return (label.evidence or {}).get("decision") if label.decision_id else None


class PublicLabelSerializer(LabelSerializer):
    """Labels as the public sees them: evidence without raw metadata values."""

    evidence = serializers.SerializerMethodField(
        help_text="What the label rests on: the declaration's parts, or the signals' kind, place and tool."
    )

    def get_evidence(self, label: Label) -> dict:
        return public_evidence(label.evidence or {})


class ImageSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    position = serializers.IntegerField()
    display_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt_text = serializers.CharField()
    ai_degree = serializers.ChoiceField(choices=Degree.choices, allow_null=True)

    def get_display_url(self, image: NoteImage) -> str:
        return self.context["request"].build_absolute_uri(image.display.url)

    def get_thumbnail_url(self, image: NoteImage) -> str:
        return self.context["request"].build_absolute_uri(image.thumbnail.url)


class SignalSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="c2pa, iptc_dst, aigc, generator, generator_hint or container")
    location = serializers.CharField(help_text="Where in the file it was found.")
    value = serializers.CharField(help_text="The raw value (clipped).")
    ai = serializers.CharField(help_text="generated, edited, or empty: what the signal says on its own.")
    tier = serializers.CharField(
        help_text="The weight the precedence table gives it: confirmed, suspected or none."
    )
    readable = serializers.BooleanField()
    details = serializers.JSONField()
    description = serializers.SerializerMethodField(help_text="The signal in plain words, in your language.")

    def get_description(self, signal: ProvenanceSignal) -> str:
        return describe(signal, signal.image.position + 1)


class ScanSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ImageScan.Status.choices)
    tier = serializers.CharField(help_text="confirmed, suspected or none once scanned.")
    kind = serializers.CharField(help_text="generated or edited where the evidence tells.")
    scanned_at = serializers.DateTimeField(allow_null=True)


class OwnImageSerializer(ImageSerializer):
    original_name = serializers.CharField()
    original_format = serializers.CharField()
    original_size = serializers.IntegerField()
    sha256 = serializers.CharField()
    scan = ScanSerializer(allow_null=True, help_text="What the platform found in the original file.")
    signals = SignalSerializer(many=True, source="signals.all")


class VideoSerializer(serializers.Serializer):
    """A video as readers get it: the rendition to play, the poster, and the creator's answer."""

    id = serializers.UUIDField(source="public_id")
    status = serializers.ChoiceField(choices=NoteVideo.Status.choices)
    rendition_url = serializers.SerializerMethodField(help_text="H.264/AAC MP4; null until ready.")
    poster_url = serializers.SerializerMethodField(help_text="JPEG poster frame; null until ready.")
    download_url = serializers.SerializerMethodField(
        help_text="Original quality, with the GB 45438 label in its XMP box when labelled; null until ready."
    )
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    duration = serializers.FloatField(help_text="Seconds.")
    has_audio = serializers.BooleanField()
    visual_degree = serializers.ChoiceField(choices=Degree.choices, allow_null=True)
    audio_degree = serializers.ChoiceField(choices=Degree.choices, allow_null=True)
    audio_parts = serializers.ListField(child=serializers.ChoiceField(choices=AudioPart.choices))
    visual_tools = serializers.ListField(child=serializers.CharField())
    audio_tools = serializers.ListField(child=serializers.CharField())
    animated_from_own = serializers.BooleanField()
    animated_from_note = serializers.SerializerMethodField(
        help_text="The creator's own note the video animates, when readers may open it."
    )

    def _url(self, video: NoteVideo, field: str) -> str | None:
        if not video.ready:
            return None
        return self.context["request"].build_absolute_uri(getattr(video, field).url)

    def get_rendition_url(self, video: NoteVideo) -> str | None:
        return self._url(video, "rendition")

    def get_poster_url(self, video: NoteVideo) -> str | None:
        return self._url(video, "poster")

    def get_download_url(self, video: NoteVideo) -> str | None:
        if not video.ready:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("note-video-download", kwargs={"note_id": video.note.public_id})
        )

    @extend_schema_field(OpenApiTypes.UUID)
    def get_animated_from_note(self, video: NoteVideo) -> str | None:
        source = selectors.animation_source_public(video)
        return str(source["note"].public_id) if source and source["note"] is not None else None


class OwnVideoSerializer(VideoSerializer):
    """The creator's own view: processing progress and failure, the upload and what its scan found."""

    progress = serializers.IntegerField(help_text="Percent processed.")
    error = serializers.SerializerMethodField(
        help_text="Why processing failed, in your language; empty otherwise."
    )
    error_code = serializers.CharField(
        source="error", help_text="A stable code for the failure; empty otherwise."
    )
    original_name = serializers.CharField()
    original_format = serializers.CharField()
    original_size = serializers.IntegerField()
    sha256 = serializers.CharField()
    scan = serializers.SerializerMethodField()
    signals = serializers.SerializerMethodField()
    animated_from_note = serializers.SerializerMethodField()
    animated_from_image = serializers.SerializerMethodField()

    def get_error(self, video: NoteVideo) -> str:
        return services.video_error_text(video)

    @extend_schema_field(ScanSerializer)
    def get_scan(self, video: NoteVideo) -> dict:
        return {
            "status": video.scan_status,
            "tier": video.scan_tier,
            "kind": video.scan_kind,
            "scanned_at": video.scanned_at,
        }

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_signals(self, video: NoteVideo) -> list[dict]:
        return [{**s, "description": describe(transient_signal(s), None)} for s in video.signals]

    @extend_schema_field(OpenApiTypes.UUID)
    def get_animated_from_note(self, video: NoteVideo) -> str | None:
        return str(video.animated_from_note.public_id) if video.animated_from_note else None

    @extend_schema_field(OpenApiTypes.UUID)
    def get_animated_from_image(self, video: NoteVideo) -> str | None:
        return str(video.animated_from_image.public_id) if video.animated_from_image else None


class DeclarationSerializer(serializers.Serializer):
    degree = serializers.ChoiceField(choices=Degree.choices)
    text_degree = serializers.ChoiceField(choices=Degree.choices)
    tools = serializers.ListField(child=serializers.CharField())
    usage_note = serializers.CharField()
    declared_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DeclarationChangeSerializer(serializers.Serializer):
    changed_at = serializers.DateTimeField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField()


class AuthorSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="public_name")


class PublicNoteSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    body_html = serializers.CharField(help_text="Sanitised HTML rendered from the Markdown body.")
    author = AuthorSerializer()
    topics = serializers.SerializerMethodField()
    images = ImageSerializer(many=True)
    video = serializers.SerializerMethodField(help_text="The note's video; null for a note of images.")
    labels = PublicLabelSerializer(many=True)
    published_at = serializers.DateTimeField()
    like_count = serializers.IntegerField()

    def get_topics(self, note: Note) -> list[str]:
        return [topic.name for topic in note.topics.all()]

    @extend_schema_field(VideoSerializer(allow_null=True))
    def get_video(self, note: Note) -> dict | None:
        video = selectors.note_video(note)
        if video is None or not video.ready:
            return None
        return VideoSerializer(video, context=self.context).data


class OwnNoteSerializer(PublicNoteSerializer):
    body = serializers.CharField()
    labels = LabelSerializer(many=True)
    state = serializers.ChoiceField(choices=Note.State.choices)
    images = OwnImageSerializer(many=True)
    video = serializers.SerializerMethodField(help_text="The note's video, with its processing state.")
    declaration = serializers.SerializerMethodField()
    declaration_history = DeclarationChangeSerializer(many=True, source="declaration_changes.all")
    evidence_shown = serializers.JSONField(
        allow_null=True, help_text="AI evidence the publish form showed and the creator published anyway."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OwnVideoSerializer(allow_null=True))
    def get_video(self, note: Note) -> dict | None:
        video = selectors.note_video(note)
        return OwnVideoSerializer(video, context=self.context).data if video is not None else None

    @extend_schema(responses=DeclarationSerializer(allow_null=True))
    def get_declaration(self, note: Note) -> dict | None:
        declaration = getattr(note, "declaration", None)
        return DeclarationSerializer(declaration).data if declaration is not None else None


# The creator's own view shows each image's scan and signals.
OWN_PREFETCH = ("images__scan", "images__signals__image")
OWN_RELATED = ("video__animated_from_note", "video__animated_from_image")


def _own_note(request: Request, note_id: object) -> Note:
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    return (
        selectors.note_list_for_author(user=request.user)
        .select_related(*OWN_RELATED)
        .prefetch_related("declaration_changes", *OWN_PREFETCH)
        .get(pk=note.pk)
    )


def _own_note_response(request: Request, note_id: object, code: int = status.HTTP_200_OK) -> Response:
    return Response(
        OwnNoteSerializer(_own_note(request, note_id), context={"request": request}).data, status=code
    )


class NoteInputSerializer(serializers.Serializer):
    title = StrictCharField(max_length=TITLE_MAX)
    body = StrictCharField(max_length=BODY_MAX, allow_blank=True, required=False, default="")
    topics = serializers.ListField(
        child=StrictCharField(max_length=TOPIC_NAME_MAX, allow_blank=True),
        max_length=MAX_TOPICS,
        required=False,
        help_text="Topic names; blank ones are ignored.",
    )


class NoteListCreateApi(SelectorListApi):
    """The creator's own notes (drafts and published), newest change first; create a draft."""

    serializer_class = OwnNoteSerializer
    queryset = Note.objects.none()
    ordering = ("-updated_at", "-id")

    @staticmethod
    def selector(request: Request) -> QuerySet[Note]:
        return (
            selectors.note_list_for_author(user=request.user)
            .select_related(*OWN_RELATED)
            .prefetch_related("declaration_changes", *OWN_PREFETCH)
        )

    @extend_schema(request=NoteInputSerializer, responses={201: OwnNoteSerializer})
    def post(self, request: Request) -> Response:
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.note_create(
            author=request.user, client=client_of(request), **serializer.validated_data
        )
        return _own_note_response(request, note.public_id, status.HTTP_201_CREATED)


class NoteUpdateSerializer(serializers.Serializer):
    title = StrictCharField(max_length=TITLE_MAX, required=False)
    body = StrictCharField(max_length=BODY_MAX, allow_blank=True, required=False)
    topics = serializers.ListField(
        child=StrictCharField(max_length=TOPIC_NAME_MAX, allow_blank=True),
        max_length=MAX_TOPICS,
        required=False,
        help_text="Topic names; blank ones are ignored.",
    )


class NoteDetailApi(APIView):
    @extend_schema(responses=OwnNoteSerializer)
    def get(self, request: Request, note_id: str) -> Response:
        return _own_note_response(request, note_id)

    @extend_schema(request=NoteUpdateSerializer, responses=OwnNoteSerializer)
    def patch(self, request: Request, note_id: str) -> Response:
        note = selectors.note_get_for_author(user=request.user, note_id=note_id)
        serializer = NoteUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.note_update(note=note, acting_user=request.user, **serializer.validated_data)
        return _own_note_response(request, note_id)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, note_id: str) -> Response:
        note = selectors.note_get_for_author(user=request.user, note_id=note_id)
        services.note_delete(note=note, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG or WebP, at most 20 MB and 60 megapixels.")
    alt_text = StrictCharField(max_length=ALT_TEXT_MAX, required=False, default="", allow_blank=True)


class NoteImageUploadApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "uploads"

    @extend_schema(request=ImageUploadSerializer, responses={201: OwnNoteSerializer})
    def post(self, request: Request, note_id: str) -> Response:
        note = selectors.note_get_for_author(user=request.user, note_id=note_id)
        serializer = ImageUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["image"]
        services.note_image_check_size(size=upload.size, name=upload.name)
        services.note_image_add(
            note=note,
            acting_user=request.user,
            data=upload.read(),
            filename=upload.name,
            alt_text=serializer.validated_data["alt_text"],
        )
        return _own_note_response(request, note_id, status.HTTP_201_CREATED)


class NoteImageDeleteApi(APIView):
    @extend_schema(responses=OwnNoteSerializer)
    def delete(self, request: Request, note_id: str, image_id: str) -> Response:
        note = selectors.note_get_for_author(user=request.user, note_id=note_id)
        if not note.images.filter(public_id=image_id).exists():
            raise DomainError(_("That image is not part of this note."), code="not_found", status=404)
        services.note_image_remove(note=note, acting_user=request.user, image_id=image_id)
        return _own_note_response(request, note_id)


class VideoDeclarationInputSerializer(serializers.Serializer):
    visual_degree = serializers.ChoiceField(choices=Degree.choices, help_text="AI use in the picture.")
    audio_degree = serializers.ChoiceField(
        choices=Degree.choices,
        required=False,
        help_text="AI use in the sound; required when the video has sound.",
    )
    audio_parts = serializers.ListField(
        child=serializers.ChoiceField(choices=AudioPart.choices),
        required=False,
        max_length=len(AudioPart.choices),
    )
    visual_tools = serializers.ListField(
        child=StrictCharField(max_length=TOOL_NAME_MAX), max_length=MAX_TOOLS, required=False
    )
    audio_tools = serializers.ListField(
        child=StrictCharField(max_length=TOOL_NAME_MAX), max_length=MAX_TOOLS, required=False
    )
    animated_from_own = serializers.BooleanField(
        required=False, default=False, help_text="AI-animated from the creator's own artwork."
    )
    animated_from_note = serializers.UUIDField(
        required=False, allow_null=True, help_text="The creator's own note with the artwork."
    )
    animated_from_image = serializers.UUIDField(
        required=False, allow_null=True, help_text="The image in that note, if one."
    )


class VideoUploadSerializer(serializers.Serializer):
    video = serializers.FileField(help_text="MP4, MOV or WebM; at most 200 MB, 5 minutes and 4K by default.")


class NoteVideoApi(APIView):
    """The note's one video: upload it (processing follows), see its processing state, remove it."""

    parser_classes = [MultiPartParser, FormParser]

    def get_throttles(self) -> list:
        if self.request.method == "POST":
            self.throttle_scope = "uploads"
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(responses=OwnVideoSerializer)
    def get(self, request: Request, note_id: str) -> Response:
        note = _own_note(request, note_id)
        video = selectors.note_video(note)
        if video is None:
            raise DomainError(_("This note has no video."), code="not_found", status=404)
        return Response(OwnVideoSerializer(video, context={"request": request}).data)

    @extend_schema(request=VideoUploadSerializer, responses={201: OwnNoteSerializer, 413: None})
    def post(self, request: Request, note_id: str) -> Response:
        note = selectors.note_get_for_author(user=request.user, note_id=note_id)
        # Refused from the declared length, before the body is read: a 2 GB upload costs nothing.
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > MULTIPART_SLACK:
            services.note_video_check_size(size=declared - MULTIPART_SLACK)
        serializer = VideoUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["video"]
        services.note_video_check_size(size=upload.size, name=upload.name)
        services.note_video_add(note=note, acting_user=request.user, upload=upload, filename=upload.name)
        return _own_note_response(request, note_id, status.HTTP_201_CREATED)

    @extend_schema(responses=OwnNoteSerializer)
    def delete(self, request: Request, note_id: str) -> Response:
        note = selectors.note_get_for_author(user=request.user, note_id=note_id)
        if selectors.note_video(note) is None:
            raise DomainError(_("This note has no video."), code="not_found", status=404)
        services.note_video_remove(note=note, acting_user=request.user)
        return _own_note_response(request, note_id)


class DeclarationInputSerializer(serializers.Serializer):
    degree = serializers.ChoiceField(
        choices=Degree.choices, help_text="Overall: the most AI use in any part."
    )
    text_degree = serializers.ChoiceField(
        choices=Degree.choices, required=False, help_text="Required unless degree is none."
    )
    images = serializers.DictField(
        child=serializers.ChoiceField(choices=Degree.choices),
        required=False,
        help_text="Image id → degree, for every image of the note. Required unless degree is none.",
    )
    tools = serializers.ListField(
        child=StrictCharField(max_length=TOOL_NAME_MAX), max_length=MAX_TOOLS, required=False
    )
    usage_note = StrictCharField(max_length=USAGE_NOTE_MAX, required=False, allow_blank=True, default="")
    video = VideoDeclarationInputSerializer(
        required=False,
        help_text="For a note with a video: the answer per modality. Required unless degree is none.",
    )


# The service's names for the video's answers → where the client sent them.
VIDEO_FIELDS = {
    name: f"video.{name}"
    for name in (
        "visual_degree",
        "audio_degree",
        "audio_parts",
        "animated_from_own",
        "animated_from_note",
        "animated_from_image",
    )
}


def _video_declaration(data: dict | None) -> services.VideoDeclarationInput | None:
    if data is None:
        return None
    return services.VideoDeclarationInput(
        visual_degree=data.get("visual_degree"),
        audio_degree=data.get("audio_degree"),
        audio_parts=tuple(data.get("audio_parts", ())),
        visual_tools=tuple(data.get("visual_tools", ())),
        audio_tools=tuple(data.get("audio_tools", ())),
        animated_from_own=data.get("animated_from_own", False),
        animated_from_note=str(data["animated_from_note"]) if data.get("animated_from_note") else None,
        animated_from_image=str(data["animated_from_image"]) if data.get("animated_from_image") else None,
    )


class NoteDeclarationApi(APIView):
    @extend_schema(request=DeclarationInputSerializer, responses=OwnNoteSerializer)
    def put(self, request: Request, note_id: str) -> Response:
        note = selectors.note_get_for_author(user=request.user, note_id=note_id)
        serializer = DeclarationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.note_declare(
                note=note,
                acting_user=request.user,
                declaration=services.DeclarationInput(
                    degree=data["degree"],
                    text_degree=data.get("text_degree"),
                    image_degrees=data.get("images"),
                    tools=tuple(data.get("tools", ())),
                    usage_note=data["usage_note"],
                    video=_video_declaration(data.get("video")),
                ),
            )
        except ValidationError as exc:
            raise with_field_names(exc, {"image_degrees": "images", **VIDEO_FIELDS}) from exc
        return _own_note_response(request, note_id)


class NotePublishApi(APIView):
    @extend_schema(request=None, responses=OwnNoteSerializer)
    def post(self, request: Request, note_id: str) -> Response:
        note = selectors.note_get_for_author(user=request.user, note_id=note_id)
        services.note_publish(note=note, acting_user=request.user)
        return _own_note_response(request, note_id)


class FeedPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null at the end.")
    previous = serializers.URLField(
        allow_null=True, help_text="Always null: the feed is read forwards from its first page."
    )
    results = PublicNoteSerializer(many=True)


class FeedApi(APIView):
    """The public feed with labels, ranked (default) or latest first. No login needed.

    Ranked: distribution weight × freshness (README "Traffic"); the first page carries notes boosted
    by compensation vouchers in reserved slots. Pages are read by keyset: ``cursor`` is the last
    note's id from the previous page's ``next`` link. Every note shown counts as an impression.
    """

    permission_classes = [AllowAny]
    max_page_size = 50

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "ordering",
                str,
                enum=list(selectors.FEED_ORDERS),
                default=selectors.RANKED,
                description="ranked: weight × freshness, with reserved slots for boosted notes; "
                "latest: newest first.",
            ),
            OpenApiParameter("cursor", OpenApiTypes.UUID, description="The position from a `next` link."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": max_page_size},
                description=f"1 to {max_page_size}; default {API_PAGE_SIZE}.",
            ),
        ],
        responses=FeedPageSerializer,
        operation_id="feed_list",
    )
    def get(self, request: Request) -> Response:
        order = request.query_params.get("ordering", selectors.RANKED)
        if order not in selectors.FEED_ORDERS:
            raise serializers.ValidationError(
                {"ordering": [_("Choose one of: %(values)s.") % {"values": ", ".join(selectors.FEED_ORDERS)}]}
            )
        size = _page_size(request.query_params.get("page_size"), self.max_page_size)
        cursor = request.query_params.get("cursor")
        if cursor is not None and not _is_uuid(cursor):
            raise serializers.ValidationError({"cursor": [_("This page link is not valid.")]})
        try:
            page = selectors.feed_page(
                order=order, cursor=cursor, size=size, boost_slots=settings.SUNLIGHT_TRAFFIC["BOOST_SLOTS"]
            )
        except ValueError as exc:
            # Schema-valid, but it names no note (a link from a note since deleted, or made up).
            raise NotFound(_("This page link is not valid.")) from exc
        impressions_record(request, [(note, page.sources[note.pk]) for note in page.notes])
        traffic_tick_if_due()
        next_url = None
        if page.next_cursor:
            query = request.query_params.copy()
            query["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        results = PublicNoteSerializer(page.notes, many=True, context={"request": request}).data
        return Response({"next": next_url, "previous": None, "results": results})


def _is_uuid(raw: str) -> bool:
    try:
        uuid.UUID(raw)
    except ValueError:
        return False
    return True


def _page_size(raw: str | None, largest: int) -> int:
    if raw is None:
        return API_PAGE_SIZE
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= largest:
        raise serializers.ValidationError(
            {"page_size": [_("A whole number from 1 to %(max)s.") % {"max": largest}]}
        )
    return int(raw)


class PublicNoteApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=PublicNoteSerializer)
    def get(self, request: Request, note_id: str) -> Response:
        note = selectors.note_get_public(note_id=note_id)
        impressions_record(request, [(note, "organic")])
        return Response(PublicNoteSerializer(note, context={"request": request}).data)


# --- traffic -------------------------------------------------------------------------------


class TrafficFactorSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=DistributionFactor.Name.choices)
    value = serializers.FloatField(help_text="The multiplier this factor applies to the weight.")
    reason = serializers.ChoiceField(choices=DistributionFactor.Reason.choices)
    explanation = serializers.CharField(source="get_reason_display")
    details = serializers.JSONField()
    decision = serializers.UUIDField(source="decision.public_id", allow_null=True, default=None)
    appeal = serializers.SerializerMethodField()
    until = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_appeal(self, factor: DistributionFactor) -> str | None:
        appeal = getattr(factor, "appeal", None)
        return str(appeal.public_id) if appeal is not None else None


class BoostSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    note = serializers.UUIDField(source="note.public_id")
    voucher = serializers.UUIDField(source="voucher.public_id")
    state = serializers.ChoiceField(choices=Boost.State.choices)
    target = serializers.IntegerField(help_text="Impressions the boost guarantees.")
    delivered = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class TrafficDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    organic = serializers.IntegerField()
    bonus = serializers.IntegerField()
    boost = serializers.IntegerField()


class NoteTrafficSerializer(serializers.Serializer):
    weight = serializers.FloatField(help_text="The product of the factors; 1 is normal distribution.")
    traffic = serializers.ChoiceField(choices=Traffic.choices)
    factors = TrafficFactorSerializer(many=True)
    labels = LabelSerializer(many=True)
    boosts = BoostSerializer(many=True)
    daily = TrafficDaySerializer(many=True, source="series", help_text="The last 30 days, oldest first.")
    totals = serializers.DictField(child=serializers.IntegerField())


class NoteTrafficApi(APIView):
    """The creator's traffic for one of their notes: weight, factors and reasons, daily impressions."""

    @extend_schema(responses=NoteTrafficSerializer)
    def get(self, request: Request, note_id: str) -> Response:
        note = selectors.note_get_for_author(user=request.user, note_id=note_id)
        impressions_flush()
        data = selectors.note_traffic(note=note)
        return Response(NoteTrafficSerializer(data, context={"request": request}).data)


class VoucherRedeemSerializer(serializers.Serializer):
    note = serializers.UUIDField(help_text="One of your published notes.")


class VoucherRedeemApi(APIView):
    """Spend a compensation voucher on one of your published notes: exactly once."""

    @extend_schema(request=VoucherRedeemSerializer, responses={201: BoostSerializer})
    def post(self, request: Request, voucher_id: str) -> Response:
        serializer = VoucherRedeemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        boost = services.voucher_redeem(
            voucher_id=voucher_id, note_id=serializer.validated_data["note"], acting_user=request.user
        )
        return Response(BoostSerializer(boost).data, status=status.HTTP_201_CREATED)


# --- interactions ----------------------------------------------------------------------------


class CommentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    author = AuthorSerializer()
    body = serializers.CharField(help_text="Plain text: show it escaped, with its line breaks.")
    created_at = serializers.DateTimeField()


class CommentCreateSerializer(serializers.Serializer):
    body = StrictCharField(max_length=COMMENT_MAX, help_text="Plain text, at most 2,000 characters.")


class InteractionThrottle(ScopedRateThrottle):
    """Writing comments and likes: one budget with the browser forms (scope ``interactions``)."""

    scope_attr = "throttle_scope"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class CommentListCreateApi(ListAPIView):
    """A published note's comments (newest first; no login needed to read), and writing one."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [InteractionThrottle]
    throttle_scope = "interactions"
    serializer_class = CommentSerializer
    pagination_class = cursor("-created_at", "-id")
    queryset = Comment.objects.none()

    def get_queryset(self) -> QuerySet[Comment]:
        note = _public_note_or_404(self.request, self.kwargs["note_id"])
        return Comment.objects.filter(note=note, state=Comment.State.VISIBLE).select_related("author")

    @extend_schema(request=CommentCreateSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, note_id: str) -> Response:
        note = _public_note_or_404(request, note_id)
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(
            note=note, author=request.user, body=data.validated_data["body"], client=client_of(request)
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, note_id: str, comment_id: str) -> Response:
        note = _public_note_or_404(request, note_id)
        comment = selectors.comment_get(note=note, comment_id=comment_id)
        try:
            services.comment_delete(comment=comment, acting_user=request.user)
        except DomainError as exc:
            raise NotFound(_("Not found.")) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class LikeSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()


class LikeApi(APIView):
    """Like (POST) or unlike (DELETE) a published note; both are idempotent."""

    throttle_classes = [InteractionThrottle]
    throttle_scope = "interactions"

    @extend_schema(request=None, responses=LikeSerializer)
    def post(self, request: Request, note_id: str) -> Response:
        return self._set(request, note_id, liked=True)

    @extend_schema(request=None, responses=LikeSerializer)
    def delete(self, request: Request, note_id: str) -> Response:
        return self._set(request, note_id, liked=False)

    def _set(self, request: Request, note_id: str, *, liked: bool) -> Response:
        note = _public_note_or_404(request, note_id)
        note = services.like_set(note=note, user=request.user, liked=liked, client=client_of(request))
        return Response({"liked": liked, "like_count": note.like_count})


def _public_note_or_404(request: Request, note_id: object) -> Note:
    note = selectors.note_get_public(note_id=note_id, viewer=request.user)
    if note.state != Note.State.PUBLISHED:
        raise NotFound(_("Not found."))
    return note


# --- reports ---------------------------------------------------------------------------------


class ReportCreateSerializer(serializers.Serializer):
    subject_type = serializers.ChoiceField(choices=Report.SubjectType.choices)
    subject_id = serializers.UUIDField(help_text="The id of the note, comment or account reported.")
    category = serializers.ChoiceField(choices=Report.Category.choices)
    comment = StrictCharField(max_length=REPORT_COMMENT_MAX, required=False, allow_blank=True)


class ReportFilingSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="report.public_id")
    subject_type = serializers.ChoiceField(choices=Report.SubjectType.choices, source="report.subject_type")
    category = serializers.ChoiceField(choices=Report.Category.choices, source="report.category")
    state = serializers.ChoiceField(choices=Report.State.choices, source="report.state")
    reply = serializers.CharField(
        source="report.reply", help_text="Staff's reply once the report is handled."
    )
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportListCreateApi(SelectorListApi):
    """Your reports with their outcome; and reporting a note, a comment or an account."""

    serializer_class = ReportFilingSerializer
    queryset = ReportFiling.objects.none()
    throttle_classes = [InteractionThrottle]
    throttle_scope = "reports"

    @staticmethod
    def selector(request: Request) -> QuerySet[ReportFiling]:
        return ReportFiling.objects.filter(reporter=request.user).select_related("report")

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportFilingSerializer})
    def post(self, request: Request) -> Response:
        from notes.services.reports import report_file

        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            filing = report_file(reporter=request.user, **data.validated_data)
        except Http404 as exc:
            raise NotFound(_("Not found.")) from exc
        return Response(ReportFilingSerializer(filing).data, status=status.HTTP_201_CREATED)
