"""Product governance: signals to product makers and the book-wide target-market review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.core.models import Firm, FirmScopedQuerySet
from klantbelang.core.roles import Role

STAFF = frozenset({Role.ADVISER, Role.REVIEWER, Role.MANAGER, Role.ADMIN})
# No group of clients smaller than this is ever shown to a manufacturer.
MINIMUM_GROUP = 5


class GovernanceQuerySet(FirmScopedQuerySet):
    def visible_to(self, user):
        """The firm's staff who work on files (advisers, reviewers, managers, admins)."""
        if not (user.is_authenticated and user.has_any_role(STAFF)):
            return self.none()
        return super().visible_to(user)


class SharedQuerySet(models.QuerySet):
    """What a product developer sees: only what the firm shared with the provider they work for."""

    def for_developer(self, user, *, field: str):
        provider = developer_provider(user)
        if provider is None:
            return self.none()
        return self.filter(**{field: provider})


def developer_provider(user):
    """The provider a product developer works for, or None (not a developer, or not linked yet)."""
    if not (user is not None and user.is_authenticated and user.has_role(Role.PRODUCT_DEVELOPER)):
        return None
    if not hasattr(user, "_developer_provider"):
        link = ProviderDeveloper.objects.filter(user=user, firm=user.firm).select_related("provider").first()
        user._developer_provider = link.provider if link else None
    return user._developer_provider


class ProviderDeveloper(models.Model):
    """Links a product developer to the provider (insurer, bank) they work for: they see that
    provider's shared signals and sent reports, and the dialogue topics it is invited to."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="provider_developers")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_link")
    provider = models.ForeignKey("products.Provider", on_delete=models.CASCADE, related_name="developers",
                                 verbose_name=_("provider"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    objects = FirmScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("product developer's provider")
        ordering = ["provider", "user"]

    def __str__(self):
        return f"{self.user} @ {self.provider}"


class Source(models.TextChoices):
    ADVISER = "adviser", _("Adviser's feedback")
    COMPLAINT = "complaint", _("Complaint about the product")
    DEVIATION = "deviation", _("Advice outside the target market")
    UNMET_NEED = "unmet_need", _("Unmet need")
    REVIEW = "review", _("Client now outside the target market")


class Category(models.TextChoices):
    UNCLEAR_CONDITIONS = "unclear_conditions", _("Unclear conditions")
    COST = "cost", _("Cost")
    TARGET_TOO_WIDE = "target_too_wide", _("Target market too wide")
    TARGET_TOO_NARROW = "target_too_narrow", _("Target market too narrow")
    PROCESS = "process", _("Process")
    MISSING_FEATURE = "missing_feature", _("Missing feature")
    OUTSIDE_TARGET = "outside_target", _("Sold or held outside the target market")
    NO_PRODUCT = "no_product", _("No fitting product on the shelf")


SEGMENT_LABELS = {"age unknown": _("age unknown"), "under 35": _("under 35"), "35-54": _("35 to 54"),
                  "55-66": _("55 to 66"), "67 and over": _("67 and over")}


class NeedLabels:
    """Readable need and segment for rows that store their codes."""

    @property
    def need_label(self) -> str:
        from klantbelang.core.needs import NeedType

        return str(NeedType(self.need_type).label) if self.need_type in NeedType.values else self.need_type

    @property
    def segment_label(self) -> str:
        return str(SEGMENT_LABELS.get(self.segment, self.segment))


ADVISER_CATEGORIES = (Category.UNCLEAR_CONDITIONS, Category.COST, Category.TARGET_TOO_WIDE,
                      Category.TARGET_TOO_NARROW, Category.PROCESS, Category.MISSING_FEATURE)


class SignalQuerySet(GovernanceQuerySet, SharedQuerySet):
    def shared_with_developer(self, user):
        return self.for_developer(user, field="shared_with").filter(firm=user.firm, shared_at__isnull=False)


class Signal(NeedLabels, models.Model):
    """What the firm learned about a product (or about a need no product meets), for its maker."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged into another signal")
        DISMISSED = "dismissed", _("Dismissed")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="product_signals")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="signals", verbose_name=_("product"))
    provider = models.ForeignKey("products.Provider", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="signals", verbose_name=_("provider"))
    need_type = models.CharField(_("need"), max_length=40, blank=True)
    segment = models.CharField(_("client segment"), max_length=60, blank=True)
    clients = models.PositiveIntegerField(_("clients concerned"), default=1)
    description = models.TextField(_("description"))
    # Automatic signals carry the cause they came from, so a cause gives one signal.
    key = models.CharField(max_length=160, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged")
    triage_note = models.TextField(_("why"), blank=True)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # What the manufacturer sees, frozen when the firm shares the signal: a summary the firm wrote
    # (never the advisers' notes) and the count of clients at that moment, so that a later merge or
    # recount cannot be subtracted from what was shown before.
    shared_with = models.ForeignKey("products.Provider", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="shared_signals", verbose_name=_("shared with"))
    shared_summary = models.TextField(_("summary for the manufacturer"), blank=True)
    shared_clients = models.PositiveIntegerField(default=0)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    shared_at = models.DateTimeField(_("shared"), null=True, blank=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("product signal")
        verbose_name_plural = _("product signals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["firm", "status"], name="signal_firm_status")]
        constraints = [
            models.UniqueConstraint(fields=["firm", "key"], condition=~Q(key=""), name="signal_unique_cause"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="signal_source_valid"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="signal_category_valid"),
            models.CheckConstraint(condition=~Q(status="dismissed") | ~Q(triage_note=""),
                                   name="signal_dismissal_has_reason"),
            models.CheckConstraint(condition=~Q(status="merged") | Q(merged_into__isnull=False),
                                   name="signal_merge_has_target"),
            models.CheckConstraint(condition=Q(product__isnull=False) | ~Q(need_type=""),
                                   name="signal_about_product_or_need"),
            models.CheckConstraint(condition=Q(shared_at__isnull=True) | (Q(shared_with__isnull=False) & Q(
                status="accepted") & ~Q(shared_summary="")), name="signal_shared_when_accepted"),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.product or self.need_type}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def shared_clients_shown(self) -> int | None:
        """The frozen count as a product developer sees it: None below the minimum group."""
        return self.shared_clients if self.shared_clients >= MINIMUM_GROUP else None


class SignalAnswer(models.Model):
    """A manufacturer's answer to a signal the firm shared with it."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_at", "pk"]

    def __str__(self):
        return f"{self.signal_id}: {self.text[:40]}"


class BookReview(models.Model):
    """One run of the engine over every client's current holdings against the shelf of today."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="book_reviews")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    clients = models.PositiveIntegerField(default=0)
    holdings = models.PositiveIntegerField(default=0)
    outside = models.PositiveIntegerField(default=0)
    needs_checked = models.PositiveIntegerField(default=0)
    unmet = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    objects = GovernanceQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.firm} {self.started_at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """A client who holds a product outside its target market now, with the failing axes."""

    review = models.ForeignKey(BookReview, on_delete=models.CASCADE, related_name="findings")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    need_type = models.CharField(max_length=40)
    axes = models.JSONField(default=list)
    follow_up = models.ForeignKey("relationships.PeriodicReview", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")

    class Meta:
        ordering = ["product", "client"]

    def __str__(self):
        return f"{self.client_id} {self.product_id}: {', '.join(self.axes)}"


class UnmetNeed(NeedLabels, models.Model):
    """Needs for which the engine found no eligible product, per need type and client segment."""

    review = models.ForeignKey(BookReview, on_delete=models.CASCADE, related_name="unmet_needs")
    need_type = models.CharField(max_length=40)
    segment = models.CharField(max_length=60)
    clients = models.PositiveIntegerField()
    needs = models.PositiveIntegerField()

    class Meta:
        ordering = ["-clients", "need_type", "segment"]
        constraints = [models.UniqueConstraint(fields=["review", "need_type", "segment"], name="unmet_unique")]

    def __str__(self):
        return f"{self.need_type} / {self.segment}: {self.clients}"


class ReportQuerySet(GovernanceQuerySet, SharedQuerySet):
    def sent_to_developer(self, user):
        return self.for_developer(user, field="provider").filter(firm=user.firm, sent_at__isnull=False)


class DistributorReport(models.Model):
    """What the firm reports back to one manufacturer for a period (IDD POG art. 11, PARP): a frozen
    set of aggregates in which no group smaller than five clients is shown."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="distributor_reports")
    provider = models.ForeignKey("products.Provider", on_delete=models.CASCADE, related_name="distributor_reports",
                                 verbose_name=_("provider"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    data = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_to = models.CharField(_("sent to"), max_length=200, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="report_period_valid"),
                       models.CheckConstraint(condition=Q(sent_at__isnull=True) | ~Q(sent_to=""),
                                              name="report_sent_has_recipient")]

    def __str__(self):
        return f"{self.provider} {self.start}–{self.end}"


class ReportResponse(models.Model):
    """The manufacturer's answer to one item of a report, as the firm received it."""

    report = models.ForeignKey(DistributorReport, on_delete=models.CASCADE, related_name="responses")
    item = models.CharField(_("item"), max_length=160)
    text = models.TextField(_("response"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # True when the manufacturer's own product developer wrote it in klantbelang.
    by_manufacturer = models.BooleanField(default=False)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"{self.report_id} {self.item}"


from .dialogue import Contribution, DialogueOptIn, Notification, Participant, Party, Topic  # noqa: E402

__all__ = [
    "MINIMUM_GROUP",
    "STAFF",
    "BookReview",
    "Category",
    "Contribution",
    "DialogueOptIn",
    "DistributorReport",
    "Finding",
    "Notification",
    "Participant",
    "Party",
    "ProviderDeveloper",
    "ReportResponse",
    "Signal",
    "SignalAnswer",
    "Source",
    "Topic",
    "UnmetNeed",
    "developer_provider",
]
