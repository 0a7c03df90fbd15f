from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from notes import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.note_feed(), 24).get_page(request.GET.get("page"))
    return render(request, "notes/home.html", {"page": page})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.note_list_for_author(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notes/dashboard.html", {"page": page})
