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
            navigation.NavItem(label=_("Dialogue"), url_name="governance:topic_list",
                               roles={"adviser", "reviewer", "marketing", "manager", "admin", "product_developer"},
                               order=46),
            navigation.NavItem(label=_("For the manufacturer"), url_name="governance:provider_home",
                               roles={"product_developer"}, order=44),
            navigation.NavItem(label=_("Think along"), url_name="governance:portal", roles={"client"}, order=47),
        )
