from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from notes import views as note_views
from portal import metrics, views
from portal.admin import staff_overview

# The admin has no login page of its own: staff sign in through allauth (with MFA).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Sunlight staff"
admin.site.site_title = "Sunlight staff"

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("appeals.api_urls")),
    path("", include("notes.api_urls")),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # For the Prometheus scraper only: 404 without SUNLIGHT_METRICS_TOKEN as a bearer token.
    path("metrics", metrics.metrics, name="metrics"),
    # Browsers and feed readers ask for /favicon.ico whatever the page declares.
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/overview/", admin.site.admin_view(staff_overview), name="admin-overview"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Before allauth's own route for the same path (see the view).
    path("_allauth/openapi.json", views.auth_openapi_json, name="auth-openapi-json"),
    path("_allauth/", include("allauth.headless.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("transparency/", views.transparency_page, name="transparency"),
    path("transparency/charts/<slug:name>.svg", views.transparency_chart, name="transparency-chart"),
    re_path(
        r"^transparency/report\.(?P<fmt>csv|json)$", views.transparency_download, name="transparency-download"
    ),
    path("appeals/", include("appeals.urls")),
    path("", include("accounts.urls")),
    path("", include("notes.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"

# Note media (re-encoded derivatives only: originals live in a separate, unserved storage) are served
# through a view that checks the note: published notes for everyone, drafts and notes a decision
# removed for their author only, deleted notes for no one.
urlpatterns += [
    path(
        f"{settings.MEDIA_URL.strip('/')}/notes/<uuid:note_id>/<str:filename>",
        note_views.note_media,
        name="note-media",
    )
]
