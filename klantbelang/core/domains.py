"""Advice domains: the shared vocabulary for expertise, service scope, cases and products."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    MORTGAGE = "mortgage", _("Mortgage")
    PENSION = "pension", _("Pension")
    INCOME_PROTECTION = "income_protection", _("Income protection")
    LIFE = "life", _("Life insurance")
    NON_LIFE = "non_life", _("Non-life insurance")
    INVESTMENT = "investment", _("Investment")


def domain_labels(domains) -> list[str]:
    """The labels of the known domains among ``domains``, in their order."""
    return [str(Domain(domain).label) for domain in domains if domain in Domain.values]
