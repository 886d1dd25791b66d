from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "klantbelang.governance"
    label = "governance"
    verbose_name = _("Product governance")

    def ready(self):
        from klantbelang.core import navigation

        navigation.register(
            navigation.NavItem(label=_("Product signals"), url_name="governance:signal_list",
                               roles={"adviser", "reviewer", "manager", "admin"}, order=45),
        )
