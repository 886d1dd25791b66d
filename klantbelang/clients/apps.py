from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "klantbelang.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self):
        from klantbelang.core import navigation

        navigation.register(
            navigation.NavItem(label=_("Clients"), url_name="clients:client_list",
                               roles={"adviser", "reviewer", "manager", "admin"}, order=10),
            navigation.NavItem(label=_("My file"), url_name="clients:portal", roles={"client"}, order=5),
        )
