"""The root URLs plus the import/export pages, until the integrator includes `urls_io` in the root."""

from django.urls import include, path

from techtransfer.urls import urlpatterns as root_patterns

_included = any(getattr(p, "namespace", None) == "achievements_io" for p in root_patterns)
urlpatterns = (
    [*root_patterns] if _included else [*root_patterns, path("", include("techtransfer.achievements.urls_io"))]
)
