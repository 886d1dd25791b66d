from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "klantbelang.quality"
    label = "quality"
    verbose_name = _("Quality")

    def ready(self):
        from klantbelang.core import navigation

        navigation.register(
            navigation.NavItem(label=_("Quality"), url_name="quality:dashboard",
                               roles={"adviser", "manager", "admin"}, order=40),
        )
