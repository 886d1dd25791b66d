"""The roles a person can hold within a firm (DESIGN.md, "Users and roles")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADVISER = "adviser", _("Adviser")
    REVIEWER = "reviewer", _("Reviewer")
    MARKETING = "marketing", _("Marketing")
    MANAGER = "manager", _("Manager")
    PRODUCT_DEVELOPER = "product_developer", _("Product developer")
    CLIENT = "client", _("Client")
    ADMIN = "admin", _("Administrator")


# Roles that work on client files inside the firm; product developers and clients never do.
STAFF_ROLES = frozenset({Role.ADVISER, Role.REVIEWER, Role.MARKETING, Role.MANAGER, Role.ADMIN})

# The order in which roles are named; the first a person holds is their "role" in /api/v1/me.
ROLE_PRECEDENCE = (
    Role.ADMIN, Role.MANAGER, Role.REVIEWER, Role.ADVISER, Role.MARKETING, Role.PRODUCT_DEVELOPER, Role.CLIENT,
)
