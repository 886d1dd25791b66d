from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "klantbelang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import navigation

        navigation.register(
            navigation.NavItem(label=_("Home"), url_name="core:home", roles=None, order=0),
            navigation.NavItem(
                label=_("Audit log"), url_name="core:audit_list", roles={"manager", "admin"}, order=90
            ),
            navigation.NavItem(label=_("Jobs"), url_name="core:job_list",
                               roles={"adviser", "reviewer", "marketing", "manager", "admin"}, order=95),
        )
