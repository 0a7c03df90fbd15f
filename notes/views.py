from __future__ import annotations

import uuid

from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.clients import client_of
from core.errors import DomainError, with_field_names
from core.forms import add_service_errors
from core.pagination import LIST_PAGE_SIZE
from core.ranges import ranged_file_response
from core.ratelimit import throttled
from core.storage import redirect_target
from notes import charts, selectors, services
from notes.forms import TOOL_SUGGESTIONS, DeclarationForm, ImageUploadForm, NoteForm, VideoUploadForm
from notes.impressions import impressions_flush, impressions_record
from notes.models import ALT_TEXT_MAX, MAX_IMAGES, Degree, ImageScan, Note, NoteVideo, Topic
from notes.propagation import image_platform_tier
from notes.tasks import traffic_tick_if_due


def _feed(request: HttpRequest, template: str, *, topic: Topic | None = None) -> HttpResponse:
    """A feed page: ``?order=ranked|latest`` (the tabs) and ``?after=<cursor>`` (the next page)."""
    order = request.GET.get("order") or selectors.RANKED
    if order not in selectors.FEED_ORDERS:
        return redirect(request.path)
    try:
        page = selectors.feed_page(
            order=order,
            cursor=request.GET.get("after"),
            topic=topic,
            boost_slots=settings.SUNLIGHT_TRAFFIC["BOOST_SLOTS"] if topic is None else None,
        )
    except ValueError:
        # A cursor we did not write (edited by hand, or from an old link): start from the top.
        messages.info(request, _("That page link is not valid any more; here is the start of the feed."))
        return redirect(f"{request.path}?order={order}")
    impressions_record(request, [(note, page.sources[note.pk]) for note in page.notes])
    traffic_tick_if_due()
    return render(request, template, {"page": page, "topic": topic, "order": order})


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return _feed(request, "notes/home.html")


@require_safe
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _feed(request, "notes/topic.html", topic=selectors.topic_get(slug=slug))


@require_safe
def note_detail(request: HttpRequest, note_id: str) -> HttpResponse:
    note = selectors.note_get_for_viewer(note_id=note_id, viewer=request.user)
    if note.state == Note.State.PUBLISHED and not note.withheld_now():
        impressions_record(request, [(note, "organic")])
    images = selectors.note_image_files(note=note)
    labels = list(note.labels.all())
    for image in images:
        image.credentials = selectors.image_credentials(image)
        # A platform label on the image it concerns, where the eye is.
        image.platform_tier = image_platform_tier(image=image, labels=labels)
    # Evidence the creator's own declaration covers: no decision, but readers see what the files say.
    covered = [item for item in selectors.note_evidence(note=note, images=images) if item["covered"]]
    video = selectors.note_video(note)
    public = note.state == Note.State.PUBLISHED and not note.withheld_now()
    return render(
        request,
        "notes/note_detail.html",
        {
            "note": note,
            "images": images,
            "video": video if video is not None and video.ready else None,
            "animated_from": selectors.animation_source_public(video) if video is not None else None,
            "covered_evidence": covered,
            "comments": selectors.comments_for_note(note=note) if public else [],
            "interactive": public,
            "liked": public
            and request.user.is_authenticated
            and note.likes.filter(user=request.user).exists(),
        },
    )


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.note_list_for_author(user=request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notes/dashboard.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest) -> HttpResponse:
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_create(
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                topics=form.cleaned_data["topics"],
                client=client_of(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Add images and your declaration, then publish."))
            return redirect("note-edit", note_id=note.public_id)
    status = 400 if form.errors else 200
    return render(request, "notes/note_new.html", {"form": form}, status=status)


_PUBLISH_ERRORS = "sunlight:publish-errors"
# A refused form of the edit page (its name, what was typed, why it was refused), shown once there.
_FAILED_FORM = "sunlight:failed-form"
_ANCHORS = {"note": "#h-text", "images": "#h-images", "video": "#h-images", "declaration": "#h-declaration"}


def _back_to_edit(note: Note, anchor: str) -> HttpResponse:
    """The edit page, at the section an action concerns."""
    return redirect(reverse("note-edit", kwargs={"note_id": note.public_id}) + anchor)


def _refused(request: HttpRequest, note: Note, name: str, form: forms.Form) -> HttpResponse:
    """Back to the edit page by redirect (post/redirect/get): reloading it never sends the form
    again, and what was typed (never a file) and why it was refused are shown there once."""
    typed = {}
    if name in ("note", "declaration"):
        typed = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    request.session[_FAILED_FORM] = {"name": name, "data": typed, "errors": form.errors.get_json_data()}
    return _back_to_edit(note, _ANCHORS[name])


def _restored(form: forms.Form, errors: dict, *, replace: bool = False) -> forms.Form:
    """``form`` showing the stored errors: besides its own (bound to what was typed), or instead of
    them (an upload form, whose files are never kept)."""
    form.is_valid()
    if replace:
        form._errors = ErrorDict()
        form.cleaned_data = {}
    for field, items in errors.items():
        for item in items:
            target = None if field == "__all__" else field
            if target is not None and target not in form.fields:
                target = None
            if item["message"] not in form.errors.get(target or "__all__", []):
                form.add_error(target, item["message"])
    return form


def _edit_page(
    request: HttpRequest,
    note: Note,
    *,
    note_form: NoteForm | None = None,
    upload_form: ImageUploadForm | None = None,
    video_form: VideoUploadForm | None = None,
    declaration_form: DeclarationForm | None = None,
    publish_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    if publish_errors is None:
        # A refused publish redirected here (post/redirect/get): its reasons, shown once.
        publish_errors = request.session.pop(_PUBLISH_ERRORS, None)
    failed = request.session.pop(_FAILED_FORM, None) if request.method == "GET" else None
    images = list(note.images.select_related("scan").prefetch_related("signals").order_by("position", "id"))
    video = (
        NoteVideo.objects.select_related("animated_from_note", "animated_from_image")
        .filter(note=note)
        .first()
    )
    evidence = selectors.note_evidence(note=note)
    sources = selectors.animation_sources(user=note.author, exclude=note) if video is not None else []
    # RelatedObjectDoesNotExist is an AttributeError: no declaration yet gives None.
    declaration = getattr(note, "declaration", None)
    if failed is not None:
        name, data = failed["name"], MultiValueDict(failed["data"])
        if name == "note":
            note_form = _restored(NoteForm(data), failed["errors"])
        elif name == "declaration":
            declaration_form = _restored(
                DeclarationForm(data, images=images, video=video, sources=sources), failed["errors"]
            )
        elif name == "images":
            upload_form = _restored(ImageUploadForm({}, {}), failed["errors"], replace=True)
        elif name == "video":
            video_form = _restored(_video_form({}, {}), failed["errors"], replace=True)
    if declaration_form is None:
        initial: dict[str, object] = {}
        if declaration is not None:
            initial = {
                "degree": declaration.degree,
                "text_degree": declaration.text_degree,
                "tools": ", ".join(declaration.tools),
                "usage_note": declaration.usage_note,
            }
            for image in images:
                if image.ai_degree:
                    initial[DeclarationForm.image_field_name(image)] = image.ai_degree
            if video is not None:
                initial.update(DeclarationForm.video_initial(video))
        declaration_form = DeclarationForm(initial=initial, images=images, video=video, sources=sources)
    context = {
        "note": note,
        "images": images,
        "declaration": declaration,
        "note_form": note_form
        or NoteForm(
            initial={
                "title": note.title,
                "body": note.body,
                "topics": ", ".join(t.name for t in note.topics.all()),
            }
        ),
        "upload_form": upload_form or ImageUploadForm(),
        "video": video,
        "video_error": services.video_error_text(video) if video is not None else "",
        "video_form": video_form or _video_form(),
        "degree_choices": Degree.choices,
        # The video's questions in the order a creator thinks of them: picture, sound, where it came from.
        "video_fields": (
            "visual_degree",
            "visual_tools",
            "audio_degree",
            "audio_parts",
            "audio_tools",
            "animated_from_own",
            "animated_from",
        ),
        "declaration_form": declaration_form,
        "publish_errors": publish_errors or [],
        "tool_suggestions": TOOL_SUGGESTIONS,
        "max_images": MAX_IMAGES,
        "alt_text_max": ALT_TEXT_MAX,
        "history": note.declaration_changes.select_related("changed_by"),
        "evidence": evidence,
        "uncovered": [item for item in evidence if not item["covered"]],
        "scans_pending": any(getattr(i, "scan", None) is None or i.scan.status == "pending" for i in images),
    }
    return render(request, "notes/note_edit.html", context, status=status)


def _video_form(*args: object) -> VideoUploadForm:
    conf = settings.SUNLIGHT_VIDEO
    return VideoUploadForm(*args, max_mb=conf["MAX_MB"], max_minutes=conf["MAX_SECONDS"] // 60)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, note_id: str) -> HttpResponse:
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    if request.method == "GET":
        return _edit_page(request, note)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_update(
                note=note,
                acting_user=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                topics=form.cleaned_data["topics"],
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("note-edit", note_id=note.public_id)
    return _refused(request, note, "note", form)


@require_safe
def note_media(request: HttpRequest, note_id: str, filename: str) -> HttpResponse:
    """A display or thumbnail copy, served only while its note may be seen by this viewer; staff who
    may view notes (with MFA) also see a note a decision removed, to review it. In an object store the
    checked viewer is sent on: a published note's copy to the bucket (or its CDN), anything else to a
    short-lived presigned URL."""
    note = selectors.note_get_for_viewer(note_id=note_id, viewer=request.user)
    name = f"notes/{note.public_id}/{filename}"
    video = selectors.note_video(note)
    field = None
    if video is not None and video.ready and name in (video.rendition.name, video.poster.name):
        field = video.rendition if name == video.rendition.name else video.poster
        content_type = "video/mp4" if field is video.rendition else "image/jpeg"
    else:
        image = next((i for i in note.images.all() if name in (i.display.name, i.thumbnail.name)), None)
        if image is None:
            raise Http404
        field = image.display if image.display.name == name else image.thumbnail
        content_type = "image/webp" if name.endswith(".webp") else "image/jpeg"
    public = note.state == Note.State.PUBLISHED and not note.withheld_now()
    target = redirect_target(field, public=public)
    if target is not None:
        response: HttpResponse = HttpResponseRedirect(target)
    elif content_type == "video/mp4":
        response = ranged_file_response(request, field, content_type=content_type)
    else:
        response = FileResponse(field.open("rb"), content_type=content_type)
    # The answer (the page's file, or the redirect to a URL that works an hour) may be cached a minute:
    # a removal stops new readers within the minute, and an hour later a URL handed out before it stops
    # working too (unless a CDN in front has no signing key: README "Object storage"). A draft's or a
    # removed note's only privately.
    response["Cache-Control"] = "public, max-age=60" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _private_redirect(target: str) -> HttpResponse:
    """To a presigned URL made for this viewer: no cache keeps it for anyone else."""
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@throttled("downloads", methods=("GET", "HEAD"))
def note_image_download(request: HttpRequest, note_id: str, image_id: str) -> HttpResponse:
    """An image at original size, carrying the GB 45438 implicit label when it is labelled."""
    note = selectors.note_get_for_viewer(note_id=note_id, viewer=request.user)
    image = next((i for i in note.images.all() if str(i.public_id) == str(image_id)), None)
    if image is None:
        raise Http404
    try:
        stored, content_type = services.note_image_download(note=note, image=image)
        extension = content_type.split("/")[1].replace("jpeg", "jpg")
        filename = f"sunlight-{note.public_id.hex[:8]}-{image.position + 1}.{extension}"
        target = redirect_target(stored, public=False, filename=filename, content_type=content_type)
        if target is not None:
            return _private_redirect(target)
        opened = stored.open("rb")
    except FileNotFoundError as exc:
        # The note was deleted (and its files with it) while this request rendered or opened the copy.
        raise Http404 from exc
    return FileResponse(opened, content_type=content_type, as_attachment=True, filename=filename)


@login_required
@require_safe
def note_scan_status(request: HttpRequest, note_id: str) -> JsonResponse:
    """Polled by the edit page while uploads are being checked for provenance signals."""
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    pending = note.images.exclude(scan__status=ImageScan.Status.DONE).count()
    return JsonResponse({"pending": pending, "images": note.images.count()})


@login_required
@require_POST
@throttled("uploads")
def note_images_upload(request: HttpRequest, note_id: str) -> HttpResponse:
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, note, "images", form)
    added = 0
    known = {sha: position + 1 for sha, position in note.images.values_list("sha256", "position")}
    for upload in form.cleaned_data["images"]:
        name = upload.name
        try:
            services.note_image_check_size(size=upload.size, field="images")
            image = services.note_image_add(
                note=note, acting_user=request.user, data=upload.read(), filename=name
            )
        except (DomainError, ValidationError) as exc:
            message = exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)
            form.add_error("images", f"{name}: {message}")
        else:
            added += 1
            if image.sha256 in known:
                # Flagged, not refused: the creator may mean it, and removes one otherwise.
                messages.warning(
                    request,
                    _("%(name)s is the same file as image %(n)s: remove one of them if that was a mistake.")
                    % {"name": name, "n": known[image.sha256]},
                )
            known.setdefault(image.sha256, image.position + 1)
    if added:
        messages.success(request, _("%(n)s image(s) added.") % {"n": added})
    if form.errors:
        return _refused(request, note, "images", form)
    return redirect("note-edit", note_id=note.public_id)


@login_required
@require_POST
@throttled("uploads")
def note_video_upload(request: HttpRequest, note_id: str) -> HttpResponse:
    """One video for the note: checked and kept now, processed on the media queue (progress shows)."""
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    # An oversized upload never gets here: core.middleware.UploadSizeGuardMiddleware refuses it.
    form = _video_form(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["video"]
        try:
            services.note_video_check_size(size=upload.size, name=upload.name)
            services.note_video_add(note=note, acting_user=request.user, upload=upload, filename=upload.name)
        except (DomainError, ValidationError) as exc:
            form.add_error("video", exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages))
        else:
            messages.success(
                request, _("Video added. It is being prepared for playback; you can keep working.")
            )
            return _back_to_edit(note, "#h-images")
    return _refused(request, note, "video", form)


@login_required
@require_POST
def note_video_remove(request: HttpRequest, note_id: str) -> HttpResponse:
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    try:
        services.note_video_remove(note=note, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Video removed."))
    return _back_to_edit(note, "#h-images")


@login_required
@require_safe
def note_video_status(request: HttpRequest, note_id: str) -> JsonResponse:
    """Polled by the edit page while the video is processed: status, percent done, why it failed."""
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    video = NoteVideo.objects.filter(note=note).first()
    if video is None:
        raise Http404
    return JsonResponse(
        {
            "status": video.status,
            "status_display": video.get_status_display(),
            "progress": video.progress,
            "error": services.video_error_text(video),
            "scan": video.scan_status,
        }
    )


@require_safe
@throttled("downloads", methods=("GET", "HEAD"))
def note_video_download(request: HttpRequest, note_id: str) -> HttpResponse:
    """The video at original quality, carrying the GB 45438 label in its XMP box when it is labelled."""
    note = selectors.note_get_for_viewer(note_id=note_id, viewer=request.user)
    video = selectors.note_video(note)
    if video is None or not video.ready:
        raise Http404
    stored = services.note_video_download(note=note, video=video)
    filename = f"sunlight-{note.public_id.hex[:8]}.mp4"
    target = redirect_target(stored, public=False, filename=filename, content_type="video/mp4")
    if target is not None:
        return _private_redirect(target)
    return FileResponse(stored.open("rb"), content_type="video/mp4", as_attachment=True, filename=filename)


@login_required
@require_POST
def note_image_remove(request: HttpRequest, note_id: str, image_id: str) -> HttpResponse:
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    try:
        services.note_image_remove(note=note, acting_user=request.user, image_id=image_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Image removed."))
    return redirect("note-edit", note_id=note.public_id)


@login_required
@require_POST
def note_image_alt(request: HttpRequest, note_id: str, image_id: str) -> HttpResponse:
    """Save an image's description for screen readers, then back to the edit page (post/redirect/get)."""
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    try:
        services.note_image_alt_set(
            note=note, acting_user=request.user, image_id=image_id, alt_text=request.POST.get("alt_text", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The image description was saved."))
    return _back_to_edit(note, "#h-images")


@login_required
@require_POST
def note_declaration(request: HttpRequest, note_id: str) -> HttpResponse:
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    images = list(note.images.order_by("position", "id"))
    video = NoteVideo.objects.filter(note=note).first()
    sources = selectors.animation_sources(user=note.author, exclude=note) if video is not None else []
    form = DeclarationForm(request.POST, images=images, video=video, sources=sources)
    if form.is_valid():
        try:
            services.note_declare(
                note=note,
                acting_user=request.user,
                declaration=services.DeclarationInput(
                    degree=form.cleaned_data["degree"],
                    text_degree=form.cleaned_data.get("text_degree") or None,
                    image_degrees=form.collect_image_degrees(),
                    tools=tuple(form.cleaned_data["tools"]),
                    usage_note=form.cleaned_data["usage_note"],
                    video=form.video_input(),
                ),
            )
        except ValidationError as exc:
            # The link is one choice on the form; the service names its two halves.
            add_service_errors(
                form,
                with_field_names(
                    exc, {"animated_from_note": "animated_from", "animated_from_image": "animated_from"}
                ),
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your declaration was saved."))
            return redirect("note-edit", note_id=note.public_id)
    return _refused(request, note, "declaration", form)


@login_required
@require_POST
def note_declaration_from_evidence(request: HttpRequest, note_id: str) -> HttpResponse:
    """The pre-publish warning's "declare it": the declaration filled from what the files say."""
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    try:
        services.note_declare_from_evidence(note=note, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your declaration now says what the files say. Check it, then publish."))
    return _back_to_edit(note, "#h-declaration")


@login_required
@require_POST
def note_publish(request: HttpRequest, note_id: str) -> HttpResponse:
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    try:
        services.note_publish(note=note, acting_user=request.user)
    except (DomainError, ValidationError) as exc:
        # Back to the edit page (post/redirect/get): a reload never publishes again by surprise.
        request.session[_PUBLISH_ERRORS] = [exc.message] if isinstance(exc, DomainError) else exc.messages
        return _back_to_edit(note, "#publish")
    messages.success(request, _("Your note is published."))
    return redirect("note-detail", note_id=note.public_id)


@login_required
@require_POST
def note_delete(request: HttpRequest, note_id: str) -> HttpResponse:
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    services.note_delete(note=note, acting_user=request.user)
    messages.success(request, _("The note was deleted."))
    return redirect("dashboard")


# --- traffic -------------------------------------------------------------------------------


@login_required
@require_safe
def note_traffic(request: HttpRequest, note_id: str) -> HttpResponse:
    """The creator's traffic page for one note: weight, factors with reasons, daily impressions."""
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    impressions_flush()  # the embedded default keeps pending counts in process: show them now
    return render(request, "notes/traffic.html", selectors.note_traffic(note=note))


@login_required
@require_safe
@csp_replace({"style-src": ["'unsafe-inline'"], "default-src": ["'none'"]})
def note_traffic_chart(request: HttpRequest, note_id: str) -> HttpResponse:
    """The 30-day impressions chart as an SVG image (pygal, no script): loaded by ``<img>``, so it
    can run nothing; its inline style is allowed on this response only."""
    note = selectors.note_get_for_author(user=request.user, note_id=note_id)
    size = request.GET.get("size", "wide")
    if size not in charts.SIZES:
        raise Http404
    data = selectors.note_traffic(note=note)
    svg = charts.impressions_chart(data["series"], size=size)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def voucher_redeem(request: HttpRequest, voucher_id: str) -> HttpResponse:
    """Spend a voucher from the wallet on one of the creator's published notes."""
    note_id = request.POST.get("note", "")
    try:
        boost = services.voucher_redeem(
            voucher_id=voucher_id, note_id=_uuid_or_none(note_id), acting_user=request.user
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The voucher is boosting “%(title)s”: %(n)s impressions through reserved feed slots.")
            % {"title": boost.note.title, "n": number_format(boost.target, force_grouping=True)},
        )
    return redirect("appeals:wallet")


def _uuid_or_none(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


# --- interactions ----------------------------------------------------------------------------


def _public_note(request: HttpRequest, note_id: str) -> Note:
    note = selectors.note_get_public(note_id=note_id, viewer=request.user)
    if note.state != Note.State.PUBLISHED:
        raise Http404
    return note


@login_required
@require_POST
@throttled("interactions")
def comment_create(request: HttpRequest, note_id: str) -> HttpResponse:
    note = _public_note(request, note_id)
    try:
        comment = services.comment_create(
            note=note, author=request.user, body=request.POST.get("body", ""), client=client_of(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if comment.state == comment.State.VISIBLE:
            messages.success(request, _("Your comment is published."))
        else:
            messages.error(request, _("Your comment was removed at once by a decision: see Appeals for why."))
    return redirect(f"{note_url(note)}#comments")


@login_required
@require_POST
def comment_delete(request: HttpRequest, note_id: str, comment_id: str) -> HttpResponse:
    note = _public_note(request, note_id)
    comment = selectors.comment_get(note=note, comment_id=comment_id)
    try:
        services.comment_delete(comment=comment, acting_user=request.user)
    except DomainError as exc:
        raise Http404 from exc
    messages.success(request, _("Your comment was deleted."))
    return redirect(f"{note_url(note)}#comments")


@login_required
@require_POST
@throttled("interactions")
def note_like(request: HttpRequest, note_id: str) -> HttpResponse:
    note = _public_note(request, note_id)
    services.like_set(
        note=note, user=request.user, liked=request.POST.get("liked") != "0", client=client_of(request)
    )
    return redirect(f"{note_url(note)}#like")


def note_url(note: Note) -> str:
    return reverse("note-detail", args=[note.public_id])


# --- reports ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@throttled("reports")
def report_new(request: HttpRequest, subject_type: str, subject_id: str) -> HttpResponse:
    """Report a note, a comment or an account: a category and, if the reader wants, a comment."""
    from notes.models import Report
    from notes.services.reports import report_file, report_subject

    if subject_type not in Report.SubjectType.values:
        raise Http404
    note, comment, account = report_subject(subject_type, subject_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            report_file(
                reporter=request.user,
                subject_type=subject_type,
                subject_id=subject_id,
                category=request.POST.get("category", ""),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"form": exc.messages}
        except DomainError as exc:
            errors = {"form": [exc.message]}
        else:
            messages.success(
                request, _("Thank you. Staff will review your report and tell you what they decide.")
            )
            return redirect(note_url(note) if note is not None else "my-reports")
    return render(
        request,
        "notes/report.html",
        {
            "subject_type": subject_type,
            "note": note,
            "comment": comment,
            "account": account,
            "categories": Report.Category.choices,
            "errors": errors,
            "chosen": request.POST.get("category", ""),
            "text": request.POST.get("comment", ""),
        },
        status=400 if errors else 200,
    )


@login_required
@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    from notes.models import ReportFiling

    filings = (
        ReportFiling.objects.filter(reporter=request.user)
        .select_related("report")
        .order_by("-created_at")[:100]
    )
    return render(request, "notes/my_reports.html", {"filings": filings})
