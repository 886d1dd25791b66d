from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "klantbelang.products"
    label = "products"
    verbose_name = _("Product library")

    def ready(self):
        from klantbelang.core import navigation

        staff = {"adviser", "reviewer", "marketing", "manager", "admin"}
        navigation.register(
            navigation.NavItem(label=_("Products"), url_name="products:product_list", roles=staff, order=30),
        )
