from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "klantbelang.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from klantbelang.core import navigation

        navigation.register(
            navigation.NavItem(label=_("People"), url_name="accounts:user_list", roles={"admin", "manager"},
                               order=80),
        )
