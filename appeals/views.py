from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from appeals import selectors, services
from appeals.forms import AppealForm, EvidenceForm
from appeals.models import Appeal, AppealEvidence
from appeals.redress import further_redress_text
from core.errors import DomainError
from core.forms import add_service_errors
from core.pagination import LIST_PAGE_SIZE
from core.ratelimit import throttled
from core.storage import redirect_target


def _files(uploads: list) -> list[tuple[str, bytes]]:
    for upload in uploads:
        services.evidence_check_size(size=upload.size, name=upload.name)
    return [(upload.name, upload.read()) for upload in uploads]


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    decisions = selectors.decision_list_for_user(user=request.user)
    page = Paginator(decisions, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    appeals = selectors.appeal_list_for_user(user=request.user)[:50]
    return render(request, "appeals/index.html", {"page": page, "appeals": appeals})


@login_required
@require_http_methods(["GET", "POST"])
@throttled("uploads")
def decision_detail(request: HttpRequest, decision_id: str) -> HttpResponse:
    decision = selectors.decision_get_for_user(user=request.user, decision_id=decision_id)
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_file(
                decision=decision,
                appellant=request.user,
                reason=form.cleaned_data["reason"],
                files=_files(form.cleaned_data["evidence"]),
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your appeal was submitted. A staff member will review it."))
            return redirect("appeals:appeal", appeal_id=appeal.public_id)
    context = {
        "decision": decision,
        "form": form,
        "not_appealable": services.decision_appealable(decision),
        "window_ends": services.appeal_window_ends(decision),
        "appeals": decision.appeals.all(),
    }
    return render(request, "appeals/decision_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@throttled("uploads")
def appeal_detail(request: HttpRequest, appeal_id: str) -> HttpResponse:
    appeal = selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_evidence_add(
                appeal=appeal, acting_user=request.user, files=_files(form.cleaned_data["evidence"])
            )
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your evidence was added."))
            return redirect("appeals:appeal", appeal_id=appeal.public_id)
    context = {"appeal": appeal, "form": form, "redress_text": further_redress_text()}
    return render(request, "appeals/appeal_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def appeal_withdraw(request: HttpRequest, appeal_id: str) -> HttpResponse:
    appeal = selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
    try:
        services.appeal_withdraw(appeal=appeal, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your appeal was withdrawn."))
    return redirect("appeals:appeal", appeal_id=appeal.public_id)


@login_required
@require_safe
def evidence_file(request: HttpRequest, appeal_id: str, evidence_id: int) -> FileResponse:
    """The appellant sees their files; staff allowed to view appeals (with MFA, as for the admin) see
    every file."""
    if (
        request.user.is_staff
        and (request.user.has_perm("appeals.view_appeal") or request.user.has_perm("appeals.decide_appeal"))
        and is_mfa_enabled(request.user, [Authenticator.Type.TOTP])
    ):
        appeal = Appeal.objects.filter(public_id=appeal_id).first()
    else:
        appeal = selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
    item = AppealEvidence.objects.filter(appeal=appeal, pk=evidence_id).first() if appeal else None
    if item is None:
        raise Http404
    target = redirect_target(
        item.file, public=False, filename=item.original_name, content_type=item.content_type
    )
    if target is not None:
        response: HttpResponse = HttpResponseRedirect(target)
    else:
        response = FileResponse(
            item.file.open("rb"),
            content_type=item.content_type,
            as_attachment=True,
            filename=item.original_name,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def standing(request: HttpRequest) -> HttpResponse:
    return render(request, "appeals/standing.html", selectors.account_standing(user=request.user))


@login_required
@require_safe
def wallet(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "appeals/wallet.html",
        {
            "vouchers": selectors.voucher_list_for_user(user=request.user),
            "balance": selectors.voucher_balance(user=request.user),
        },
    )
