from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProspectsConfig(AppConfig):
    name = "klantbelang.prospects"
    label = "prospects"
    verbose_name = _("Prospects")

    def ready(self):
        from klantbelang.core import navigation

        navigation.register(
            navigation.NavItem(label=_("Prospects"), url_name="prospects:board",
                               roles={"adviser", "marketing", "manager", "admin"}, order=14),
            navigation.NavItem(label=_("Sources and campaigns"), url_name="prospects:sources",
                               roles={"marketing", "manager", "admin"}, order=55),
            navigation.NavItem(label=_("Marketing report"), url_name="prospects:report",
                               roles={"marketing", "manager", "admin"}, order=56),
        )
