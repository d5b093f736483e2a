from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from gcmhub import documents, media
from gcmhub.api.urls import urlpatterns as api_urlpatterns
from gcmhub.site import views, views_personal

handler400 = "gcmhub.site.views.bad_request"
handler403 = "gcmhub.site.views.permission_denied"
handler404 = "gcmhub.site.views.page_not_found"

urlpatterns = [
    path("", views.root_redirect),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cms/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    # Wagtail's document address, answered by gcmhub.documents.serve (privacy hooks, then safe serving).
    path("documents/<id:document_id>/<str:document_filename>", documents.serve, name="document_serve"),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail's privacy check sends visitors to a view of this name: ours is the site's sign-in page.
    path("login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True), name="wagtailcore_login"),
    # Uploaded files, each through a view that checks who may see it (gcmhub.lib.files).
    path("files/", include("gcmhub.knowledge.file_urls")),
    path("files/", include("gcmhub.workplan.file_urls")),
    path("files/", include("gcmhub.consultations.file_urls")),
    path(settings.MEDIA_URL.strip("/") + "/<path:name>", media.legacy_media, name="legacy_media"),
    path("api/v1/", include(api_urlpatterns)),
    path("feeds/", include("gcmhub.workplan.feed_urls")),
    path("", include("gcmhub.knowledge.feed_urls")),
    path("", include("gcmhub.consultations.feed_urls_events")),
    path("", include("gcmhub.consultations.feed_urls")),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "img/favicon.svg", permanent=True)),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("me/", views_personal.me, name="me"),
    path("accounts/", include("gcmhub.accounts.urls")),
    path("gcm/", include("gcmhub.site.reference_urls")),
    path("workplan/", include("gcmhub.workplan.urls")),
    path("hub/", include("gcmhub.knowledge.urls")),
    path("discussions/", include("gcmhub.consultations.urls")),
    path("events/", include("gcmhub.consultations.urls_events")),
    path("search/", include("gcmhub.search.urls")),
    path("notifications/", include("gcmhub.notifications.urls")),
    path("translations/", include("gcmhub.translations.urls")),
)

if settings.BENCH_PAGES:  # bench/http.py's reference pages, never in production
    from gcmhub import benchpages

    urlpatterns += [path("bench/bare/", benchpages.bare), path("bench/template/", benchpages.template_page)]
