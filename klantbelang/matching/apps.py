from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "klantbelang.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from klantbelang.core import navigation

        navigation.register(navigation.NavItem(label=_("Match"), url_name="matching:match",
                                               roles={"adviser", "reviewer", "manager"}, order=31))
