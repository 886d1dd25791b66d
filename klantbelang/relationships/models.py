import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.clients.models import Client
from klantbelang.core.domains import domain_labels
from klantbelang.core.models import Firm
from klantbelang.core.roles import Role


class RelationshipQuerySet(models.QuerySet):
    """Rows about one client: visible exactly when the client is (Client.visible_to)."""

    def visible_to(self, user):
        return self.filter(client__in=Client.objects.visible_to(user).values("pk"))


class FirmTerms(models.Model):
    """The firm's template for service agreements and its norms (admins edit them)."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="terms")
    intro_nl = models.TextField(_("introduction (Dutch)"), default="")
    intro_en = models.TextField(_("introduction (English)"), default="")
    staleness_days = models.PositiveIntegerField(_("a profile is stale after (days)"), default=365)
    complaint_acknowledge_days = models.PositiveIntegerField(_("acknowledge a complaint within (days)"), default=5)
    complaint_resolve_days = models.PositiveIntegerField(_("resolve a complaint within (days)"), default=42)

    def __str__(self):
        return str(self.firm)


class ServiceAgreement(models.Model):
    """The dienstverleningsdocument: what the firm does, on what basis, for which fee, and what
    both sides commit to. Confirmed by both sides before advice goes beyond the inventory; a
    confirmed agreement is never edited, a new version replaces it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_CLIENT = "awaiting_client", _("Awaiting the client's confirmation")
        CONFIRMED = "confirmed", _("Confirmed by both")
        SUPERSEDED = "superseded", _("Replaced by a newer version")

    class ServiceKind(models.TextChoices):
        ONE_OFF = "one_off", _("One-off advice")
        ONGOING = "ongoing", _("Ongoing service")

    class Basis(models.TextChoices):
        BROAD = "broad", _("Analysis of a sufficient number of products")
        PANEL = "panel", _("A limited panel of providers")

    class FeeModel(models.TextChoices):
        HOURLY = "hourly", _("Hourly rate")
        FIXED = "fixed", _("Fixed fee")
        SUBSCRIPTION = "subscription", _("Subscription")
        COMMISSION = "commission", _("Commission (disclosed)")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="agreements")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    domains = models.JSONField(_("advice domains"), default=list)
    service_kind = models.CharField(_("service"), max_length=10, choices=ServiceKind.choices)
    basis = models.CharField(_("basis of advice"), max_length=10, choices=Basis.choices, default=Basis.BROAD)
    panel = models.CharField(_("the providers in the panel"), max_length=300, blank=True)
    fee_model = models.CharField(_("fee model"), max_length=15, choices=FeeModel.choices)
    fee_amount = models.DecimalField(_("fee (€)"), max_digits=10, decimal_places=2,
                                     help_text=_("per hour, per advice, or per month, by the fee model"))
    commission_disclosure = models.CharField(_("commission, where still allowed"), max_length=300, blank=True)
    response_days = models.PositiveSmallIntegerField(_("we answer questions within (working days)"), default=3)
    review_cadence_months = models.PositiveSmallIntegerField(_("periodic review every (months)"), default=12)
    client_response_days = models.PositiveSmallIntegerField(_("the client responds within (days)"), default=14)
    adviser_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")
    adviser_confirmed_at = models.DateTimeField(null=True, blank=True)
    client_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+")
    client_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("service agreement")
        verbose_name_plural = _("service agreements")
        ordering = ["client", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="agreement_unique_version"),
            models.CheckConstraint(condition=Q(status__in=["draft", "awaiting_client", "confirmed", "superseded"]),
                                   name="agreement_status_valid"),
            models.CheckConstraint(condition=Q(fee_model__in=["hourly", "fixed", "subscription", "commission"]),
                                   name="agreement_fee_model_valid"),
            models.CheckConstraint(condition=Q(status__in=["draft", "awaiting_client"])
                                   | Q(client_confirmed_at__isnull=False, adviser_confirmed_at__isnull=False),
                                   name="agreement_confirmed_by_both"),
        ]

    def __str__(self):
        return f"{self.client} – v{self.version}"

    @property
    def domain_labels(self) -> list[str]:
        return domain_labels(self.domains)


class Obligation(models.Model):
    """A commitment with a due date, tracked until it is fulfilled."""

    class Party(models.TextChoices):
        ADVISER = "adviser", _("Adviser")
        CLIENT = "client", _("Client")

    class Kind(models.TextChoices):
        PERIODIC_REVIEW = "periodic_review", _("Periodic review")
        RESPOND_TO_LIFE_EVENT = "respond_to_life_event", _("Respond to a reported life event")
        PROVIDE_INFORMATION = "provide_information", _("Provide complete information")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="obligations")
    agreement = models.ForeignKey(ServiceAgreement, on_delete=models.CASCADE, related_name="obligations")
    party = models.CharField(_("who"), max_length=10, choices=Party.choices)
    kind = models.CharField(_("commitment"), max_length=30, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    due_on = models.DateField(_("due"))
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)
    review = models.ForeignKey("PeriodicReview", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(party__in=["adviser", "client"]), name="obligation_party_valid"),
        ]

    def __str__(self):
        return self.description

    def state(self, today: datetime.date) -> str:
        if self.fulfilled_at:
            return "fulfilled"
        return "overdue" if self.due_on < today else "open"


class PeriodicReview(models.Model):
    """Aftercare: a light case to check the client's situation, on a cadence or a trigger, with
    an outcome supervisors ask for: delivered, declined by the client, or not attempted."""

    class Trigger(models.TextChoices):
        CADENCE = "cadence", _("Agreed cadence")
        LIFE_EVENT = "life_event", _("Life event")
        PRODUCT_EVENT = "product_event", _("Product event")
        STALE_PROFILE = "stale_profile", _("Profile out of date")

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DELIVERED = "delivered", _("Delivered")
        DECLINED = "declined", _("Declined by the client")
        NOT_ATTEMPTED = "not_attempted", _("Not attempted")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reviews")
    trigger = models.CharField(_("reason"), max_length=20, choices=Trigger.choices)
    # What caused it, so that the same cause never opens a second review.
    trigger_key = models.CharField(max_length=120)
    reason = models.CharField(_("why"), max_length=300)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.OPEN)
    outcome_note = models.TextField(_("outcome"), blank=True)
    profile_version = models.PositiveIntegerField(_("profile version reviewed"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("periodic review")
        verbose_name_plural = _("periodic reviews")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "trigger_key"], name="review_unique_cause"),
            models.CheckConstraint(condition=Q(status__in=["open", "delivered", "declined", "not_attempted"]),
                                   name="review_status_valid"),
            models.CheckConstraint(condition=Q(status="open") | Q(completed_at__isnull=False),
                                   name="review_completed_has_time"),
        ]

    def __str__(self):
        return f"{self.client}: {self.reason}"


class Survey(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="surveys")
    review = models.OneToOneField(PeriodicReview, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="survey")
    about = models.CharField(_("about"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    would_recommend = models.PositiveSmallIntegerField(_("would recommend (0–10)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                                   name="survey_satisfaction_1_5"),
            models.CheckConstraint(condition=Q(would_recommend__isnull=True) | Q(would_recommend__lte=10),
                                   name="survey_recommend_0_10"),
        ]

    def __str__(self):
        return self.about


class ComplaintQuerySet(RelationshipQuerySet):
    def visible_to(self, user):
        """Managers and admins handle the firm's complaints; an adviser sees those about their
        own clients; a client their own."""
        if not user.is_authenticated or user.firm is None:
            return self.none()
        if user.has_any_role({Role.MANAGER, Role.ADMIN}):
            return self.filter(firm=user.firm)
        if user.has_role(Role.ADVISER):
            return self.filter(firm=user.firm, client__responsible_adviser=user)
        if user.has_role(Role.CLIENT):
            return self.filter(firm=user.firm, client__portal_user=user)
        return self.none()


class Complaint(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ANALYSED = "analysed", _("Analysed")
        RESOLVED = "resolved", _("Resolved")
        CLIENT_INFORMED = "client_informed", _("Client informed")

    class RootCause(models.TextChoices):
        ADVICE = "advice", _("Quality of advice")
        COMMUNICATION = "communication", _("Communication")
        COSTS = "costs", _("Costs and fees")
        PRODUCT = "product", _("The product")
        PROCESS = "process", _("Process and response time")
        OTHER = "other", _("Other")

    ORDER = ["received", "acknowledged", "analysed", "resolved", "client_informed"]

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="complaints")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="complaints")
    product = models.ForeignKey("products.Product", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="complaints", verbose_name=_("product"))
    case = models.ForeignKey("advice.AdviceCase", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="complaints", verbose_name=_("advice file"))
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("what the client says"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField(_("received"))
    acknowledge_by = models.DateField(_("acknowledge by"))
    resolve_by = models.DateField(_("resolve by"))
    acknowledged_on = models.DateField(_("acknowledged"), null=True, blank=True)
    analysis = models.TextField(_("analysis"), blank=True)
    root_cause = models.CharField(_("root cause"), max_length=20, choices=RootCause.choices, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved"), null=True, blank=True)
    client_informed_on = models.DateField(_("client informed"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["received", "acknowledged", "analysed", "resolved",
                                                           "client_informed"]), name="complaint_status_valid"),
        ]

    def __str__(self):
        return self.subject

    def overdue(self, today: datetime.date) -> list[str]:
        late = []
        if self.acknowledged_on is None and today > self.acknowledge_by:
            late.append("acknowledge")
        if self.resolved_on is None and today > self.resolve_by:
            late.append("resolve")
        return late
