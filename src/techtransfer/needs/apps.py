from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "techtransfer.needs"
    label = "needs"
    verbose_name = _("Technology needs and challenges")
