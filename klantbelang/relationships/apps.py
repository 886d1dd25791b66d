from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "klantbelang.relationships"
    label = "relationships"
    verbose_name = _("Relationships")

    def ready(self):
        from klantbelang.core import navigation

        navigation.register(
            navigation.NavItem(label=_("Worklist"), url_name="relationships:worklist",
                               roles={"adviser", "manager", "admin"}, order=12),
            navigation.NavItem(label=_("Complaints"), url_name="relationships:complaint_list",
                               roles={"adviser", "manager", "admin"}, order=60),
            navigation.NavItem(label=_("Our agreement"), url_name="relationships:portal", roles={"client"}, order=6),
            navigation.NavItem(label=_("Firm terms"), url_name="relationships:firm_terms", roles={"admin"}, order=85),
        )
