"""The client-interest dashboard: figures per adviser and month (pre-aggregated), file checks,
quality goals. There is deliberately no field for a sales or production target anywhere."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.core.models import Firm, FirmScopedQuerySet
from klantbelang.core.roles import Role


class Module(models.TextChoices):
    INVENTORY = "inventory", _("Inventory quality")
    ADVICE_FIT = "advice_fit", _("Advice fit")
    FOUR_EYES = "four_eyes", _("Four-eyes review")
    AFTERCARE = "aftercare", _("Aftercare")
    CLIENT_VOICE = "client_voice", _("Client voice")
    FEES = "fees", _("Fee transparency")
    PROSPECT_TIME = "prospect_time", _("Prospect time")
    GOVERNANCE = "governance", _("Product governance")


class QualityQuerySet(FirmScopedQuerySet):
    def visible_to(self, user):
        """Managers and admins see the firm; an adviser only their own figures."""
        rows = super().visible_to(user)
        if not user.is_authenticated:
            return rows
        if user.has_any_role({Role.MANAGER, Role.ADMIN}):
            return rows
        if user.has_role(Role.ADVISER):
            return rows.filter(adviser=user)
        return self.none()


class MonthlyFigure(models.Model):
    """One metric for one adviser (or the firm, adviser empty) in one month: a numerator and a
    denominator, so that any period, team or firm total is a sum. Written by the refresh task."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    metric = models.CharField(max_length=60)
    numerator = models.FloatField(default=0)
    denominator = models.FloatField(default=0)

    objects = QualityQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["firm", "month", "metric"], name="figure_firm_month_metric")]
        constraints = [
            models.UniqueConstraint(fields=["firm", "month", "adviser", "metric"], name="figure_unique_cell"),
            models.UniqueConstraint(fields=["firm", "month", "metric"], condition=Q(adviser__isnull=True),
                                    name="figure_unique_firm_cell"),
        ]

    def __str__(self):
        return f"{self.metric} {self.month:%Y-%m} {self.numerator}/{self.denominator}"


class ProviderMix(models.Model):
    """How many products of a provider an adviser recommended for a need in a month."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    need_type = models.CharField(max_length=40)
    provider = models.ForeignKey("products.Provider", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["firm", "month"], name="providermix_firm_month")]

    def __str__(self):
        return f"{self.adviser_id} {self.need_type} {self.provider_id}: {self.count}"


class Refresh(models.Model):
    """When the figures were last computed, and up to which moment they reach."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="quality_refresh")
    computed_at = models.DateTimeField(default=timezone.now)
    months = models.PositiveSmallIntegerField(default=24)
    seconds = models.FloatField(default=0)

    def __str__(self):
        return f"{self.firm} {self.computed_at:%Y-%m-%d %H:%M}"


class FileCheck(models.Model):
    """A manager's check of one sampled advice file, for one module; its outcome feeds the score."""

    class Outcome(models.TextChoices):
        GOOD = "good", _("In order")
        FINDINGS = "findings", _("Findings")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    module = models.CharField(_("module"), max_length=20, choices=Module.choices)
    case = models.ForeignKey("advice.AdviceCase", on_delete=models.CASCADE, related_name="file_checks")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    note = models.TextField(_("what was found"), blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome="good") | ~Q(note=""), name="filecheck_findings_described"),
            models.CheckConstraint(condition=Q(module__in=Module.values), name="filecheck_module_valid"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.module}: {self.outcome}"


class QualityGoal(models.Model):
    """A target maturity score (1–5) for a module, for the firm or one team. Never a sales target."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    module = models.CharField(_("module"), max_length=20, choices=Module.choices)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("team"))
    target = models.PositiveSmallIntegerField(_("target score (1–5)"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm", "module", "team"], name="goal_unique_team"),
            models.UniqueConstraint(fields=["firm", "module"], condition=Q(team__isnull=True),
                                    name="goal_unique_firm"),
            models.CheckConstraint(condition=Q(target__gte=1, target__lte=5), name="goal_target_range"),
        ]

    def __str__(self):
        return f"{self.module}: {self.target}"
