from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdviceConfig(AppConfig):
    name = "klantbelang.advice"
    label = "advice"
    verbose_name = _("Advice")

    def ready(self):
        from klantbelang.core import navigation

        navigation.register(
            navigation.NavItem(label=_("Advice files"), url_name="advice:case_list",
                               roles={"adviser", "reviewer", "manager", "admin"}, order=11),
            navigation.NavItem(label=_("My advice"), url_name="advice:portal", roles={"client"}, order=7),
        )
