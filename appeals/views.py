from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from appeals import selectors


@login_required
def index(request: HttpRequest) -> HttpResponse:
    decisions = selectors.decision_list_for_user(user=request.user)
    page = Paginator(decisions, 25).get_page(request.GET.get("page"))
    return render(request, "appeals/index.html", {"page": page})


@login_required
def decision_detail(request: HttpRequest, decision_id: str) -> HttpResponse:
    decision = selectors.decision_get_for_user(user=request.user, decision_id=decision_id)
    return render(request, "appeals/decision_detail.html", {"decision": decision})
