from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from techtransfer.api.api import api
from techtransfer.web import views as web_views
from techtransfer.web.forms import AdminLoginForm

# The admin's sign-in counts failed attempts like the site's (web.forms.ThrottledLoginMixin).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    # The search page first: Django tries patterns in order, and it is the most requested page (a
    # hundred patterns tried before it were a tenth of a cached page).
    path("", include("techtransfer.search.urls")),
    path("", include("techtransfer.web.urls")),
    path("", include("techtransfer.core.urls")),
    path("", include("techtransfer.achievements.urls")),
    path("", include("techtransfer.achievements.urls_io")),
    path("", include("techtransfer.audit.urls")),
    path("", include("techtransfer.jobs.urls")),
    path("", include("techtransfer.achievements.urls_disclosure")),
    path("", include("techtransfer.achievements.urls_reports")),
    path("", include("techtransfer.market.urls")),
    path("catalogues/", include("techtransfer.achievements.urls_catalogue")),
    path("", include("techtransfer.needs.urls")),
    path("", include("techtransfer.needs.urls_challenge")),
    path("", include("techtransfer.notifications.urls")),
    path("", include("techtransfer.matchmaking.urls")),
    path("", include("techtransfer.matchmaking.urls_events")),
    path("", include("techtransfer.contracts.urls")),
    path("", include("techtransfer.api.urls")),
    path("healthz", web_views.healthz, name="healthz"),
    # Pages carry their icon inline; clients that ask for /favicon.ico anyway (bookmarks, feed
    # readers) are sent to the same icon.
    path("favicon.ico", web_views.favicon, name="favicon"),
    path("login/", web_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Before Django's own (same name): the switch also remembers a signed-in person's choice.
    path("i18n/setlang/", web_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# Uploaded files (signed contracts, draft attachments) are never served from MEDIA_URL, not even with
# DEBUG on: only through the permission-checked download views.

# Error pages in the site's layout and the visitor's language (500.html stays a plain page: it is
# rendered when the database or the request may be what failed).
handler404 = "techtransfer.web.views.page_not_found"
handler403 = "techtransfer.web.views.permission_denied"
handler400 = "techtransfer.web.views.bad_request"
