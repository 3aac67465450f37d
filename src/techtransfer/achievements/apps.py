from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "techtransfer.achievements"
    label = "achievements"
    verbose_name = _("Achievements registry")

    def ready(self) -> None:
        from techtransfer.achievements import jobs  # noqa: F401  (registers the import and export jobs)
