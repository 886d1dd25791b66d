from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.clients.models import Client, NeedsProfile, adviser_scope
from klantbelang.core.domains import domain_labels
from klantbelang.core.models import AuditEvent, Firm
from klantbelang.core.roles import Role


class Phase(models.TextChoices):
    """The phases of an advice process as the AFM describes them."""

    INTAKE = "intake", _("Intake")
    INVENTORY = "inventory", _("Inventory")
    ANALYSIS = "analysis", _("Analysis")
    ADVICE = "advice", _("Advice")
    REVIEW = "review", _("Four-eyes review")
    RELEASED = "released", _("Released")
    IMPLEMENTED = "implemented", _("Implemented")
    AFTERCARE = "aftercare", _("Aftercare")


# The audit actions that change the content of an advice file (services.save_recommendation).
ADVICE_CHANGES = ("recommendation.saved",)

# Which phase may follow which. Going back is allowed where work must be redone.
TRANSITIONS = {
    Phase.INTAKE: {Phase.INVENTORY},
    Phase.INVENTORY: {Phase.ANALYSIS},
    Phase.ANALYSIS: {Phase.ADVICE, Phase.INVENTORY},
    Phase.ADVICE: {Phase.REVIEW, Phase.ANALYSIS},
    Phase.REVIEW: {Phase.RELEASED, Phase.ADVICE},
    # Amending released advice reopens the advice phase; its next release is a new version.
    Phase.RELEASED: {Phase.IMPLEMENTED, Phase.ADVICE},
    Phase.IMPLEMENTED: {Phase.AFTERCARE},
    Phase.AFTERCARE: set(),
}


class ReviewPolicy(models.Model):
    """Risk-based sampling: deviations and a new adviser's first cases are always reviewed, and
    this percentage of the rest."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="review_policy")
    sample_percentage = models.PositiveSmallIntegerField(_("share of other cases to review (percent)"), default=25)
    first_cases_of_new_adviser = models.PositiveSmallIntegerField(_("always review an adviser's first cases"),
                                                                  default=5)

    def __str__(self):
        return f"{self.firm}: {self.sample_percentage}%"


class AdviceCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The client's visibility decides (advisers: own and team clients); a case's team
        members always see it; a client sees their own cases that have released advice."""
        if not user.is_authenticated or user.firm is None:
            return self.none()
        cases = self.filter(firm=user.firm)
        if user.has_any_role({Role.REVIEWER, Role.MANAGER, Role.ADMIN}):
            return cases
        if user.has_role(Role.ADVISER):
            # Through the case's own client row and a subquery for specialists: no DISTINCT, no
            # semi-join against the adviser's whole book.
            specialist = AdviceCase.specialists.through.objects.filter(user=user).values("advicecase_id")
            return cases.filter(adviser_scope(user, "client__") | Q(pk__in=specialist) | Q(lead=user))
        if user.has_role(Role.CLIENT):
            # A client sees advice once it is released, never the work in progress.
            return cases.filter(client__portal_user=user, versions__isnull=False).distinct()
        return self.none()

    def open(self):
        return self.exclude(status__in=[Phase.RELEASED, Phase.IMPLEMENTED, Phase.AFTERCARE])


class AdviceCase(models.Model):
    class Reason(models.TextChoices):
        FIRST_ADVICE = "first_advice", _("First advice")
        LIFE_EVENT = "life_event", _("Life event")
        PERIODIC_REVIEW = "periodic_review", _("Periodic review")
        OTHER = "other", _("Other question")

    class Sampling(models.TextChoices):
        NOT_YET = "", _("Not decided yet")
        REQUIRED = "required", _("Review required")
        SAMPLED_OUT = "sampled_out", _("Not in this review sample")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="advice_cases")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="advice_cases")
    title = models.CharField(_("title"), max_length=200)
    reason = models.CharField(_("occasion"), max_length=20, choices=Reason.choices)
    domains = models.JSONField(_("advice domains"))
    profile = models.ForeignKey(NeedsProfile, on_delete=models.PROTECT, related_name="advice_cases",
                                verbose_name=_("profile version"))
    status = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.INTAKE)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_cases",
                             verbose_name=_("lead adviser"))
    specialists = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="specialist_cases", blank=True,
                                         verbose_name=_("specialists"))
    needs_review = models.BooleanField(_("flagged for review"), default=False)
    sampling = models.CharField(_("review sampling"), max_length=15, choices=Sampling.choices, blank=True,
                                default="")
    # The secret draw (0–99) made at submission: the case is reviewed when it falls below the firm's
    # percentage. Recorded, so a supervisor can see why; drawn unpredictably, so nobody can aim for it.
    sampling_draw = models.PositiveSmallIntegerField(_("sampling draw"), null=True, blank=True)
    # Optimistic locking: an edit names the version it started from (services.check_version).
    edit_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)

    objects = AdviceCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("advice case")
        verbose_name_plural = _("advice cases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Phase.values), name="advicecase_status_valid"),
            models.CheckConstraint(condition=Q(sampling__in=["", "required", "sampled_out"]),
                                   name="advicecase_sampling_valid"),
        ]

    def __str__(self):
        return self.title

    @property
    def domain_labels(self) -> list[str]:
        return domain_labels(self.domains)

    def team_ids(self) -> set[int]:
        return {self.lead_id, *self.specialists.values_list("pk", flat=True)}

    def editor_ids(self) -> set[int]:
        """Everyone who changed the advice since its last approval (a recommendation saved, the
        case submitted), from the audit trail: none of them may be its second pair of eyes."""
        approved = self.reviews.filter(outcome=Review.Outcome.APPROVED).order_by("-created_at").first()
        events = AuditEvent.objects.filter(object_type=self._meta.label_lower, object_id=str(self.pk),
                                           action__in=ADVICE_CHANGES, actor__isnull=False)
        submissions = self.status_changes.filter(to_status=Phase.REVIEW, by__isnull=False)
        if approved is not None:
            events = events.filter(created_at__gt=approved.created_at)
            submissions = submissions.filter(at__gt=approved.created_at)
        return {*events.values_list("actor_id", flat=True), *submissions.values_list("by_id", flat=True)}


class StatusChange(models.Model):
    case = models.ForeignKey(AdviceCase, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"

    @property
    def to_label(self) -> str:
        return Phase(self.to_status).label


class CaseNote(models.Model):
    case = models.ForeignKey(AdviceCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


class CaseTask(models.Model):
    case = models.ForeignKey(AdviceCase, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("assignee"))
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title


class Recommendation(models.Model):
    """The advice for one need: a product, or explicitly none. Not eligible by the engine (or
    outside the target market) needs a recorded deviation reason (database constraint)."""

    case = models.ForeignKey(AdviceCase, on_delete=models.CASCADE, related_name="recommendations")
    need_type = models.CharField(_("need"), max_length=40)
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="recommendations", verbose_name=_("product"))
    no_product = models.BooleanField(_("advise no product"), default=False)
    rationale = models.TextField(_("why this advice"))
    alternatives = models.JSONField(_("alternatives considered"), default=list)
    verdicts = models.JSONField(_("engine verdicts"), default=dict)
    reasons = models.JSONField(_("engine reasons"), default=list)
    eligible = models.BooleanField(_("eligible by the engine"), default=True)
    disadvantages = models.TextField(_("disadvantages and risks"), blank=True)
    one_off_cost = models.DecimalField(_("one-off costs (€)"), max_digits=12, decimal_places=2, default=0)
    yearly_cost = models.DecimalField(_("costs a year (€)"), max_digits=12, decimal_places=2, default=0)
    horizon_years = models.PositiveSmallIntegerField(_("over (years)"), default=1)
    replacement_note = models.TextField(_("replacing an existing product: cost and benefit of switching"),
                                        blank=True)
    deviation_reason = models.TextField(_("why we deviate from the engine or the target market"), blank=True)
    sustainability_adaptation = models.TextField(_("documented adaptation of sustainability preferences"),
                                                 blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "need_type"], name="recommendation_one_per_need"),
            models.CheckConstraint(condition=Q(eligible=True) | Q(no_product=True) | ~Q(deviation_reason=""),
                                   name="recommendation_deviation_needs_reason"),
            models.CheckConstraint(condition=Q(no_product=True, product__isnull=True)
                                   | Q(no_product=False, product__isnull=False),
                                   name="recommendation_product_or_none"),
            models.CheckConstraint(condition=~Q(rationale=""), name="recommendation_rationale_required"),
        ]

    def __str__(self):
        return f"{self.case}: {self.need_type}"

    @property
    def total_cost(self):
        return self.one_off_cost + self.yearly_cost * self.horizon_years


class Review(models.Model):
    """A four-eyes review. The reviewer is never the person who submitted the advice (database
    constraint), nor on its team, nor anyone who changed it since the last approval (service layer);
    ``editors`` records who they were."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    case = models.ForeignKey(AdviceCase, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True,
                                     verbose_name=_("changed the advice"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    checklist = models.JSONField(_("checklist"))
    submitted_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reviewer=F("author")), name="review_not_by_author"),
            models.CheckConstraint(condition=Q(outcome__in=["approved", "changes_requested"]),
                                   name="review_outcome_valid"),
        ]

    def __str__(self):
        return f"{self.case}: {self.outcome}"


class AdviceVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(case__in=AdviceCase.objects.visible_to(user).values("pk"))


class AdviceVersion(models.Model):
    """The released advice, frozen: the report is generated from ``snapshot``. A database trigger
    rejects UPDATE (migration 0002); an amendment is a new version with a reason."""

    case = models.ForeignKey(AdviceCase, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    amendment_reason = models.TextField(blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)

    objects = AdviceVersionQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="adviceversion_unique_number")]

    def __str__(self):
        return f"{self.case} v{self.number}"


class ReportResponse(models.Model):
    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        QUESTION = "question", _("Question")

    version = models.ForeignKey(AdviceVersion, on_delete=models.CASCADE, related_name="responses")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            # Two "accept" clicks at once (two tabs, a double submit) store one acceptance.
            models.UniqueConstraint(fields=["version"], condition=Q(kind="accepted"),
                                    name="reportresponse_one_acceptance"),
        ]

    def __str__(self):
        return f"{self.version}: {self.kind}"


class TimeEntry(models.Model):
    class Activity(models.TextChoices):
        INTAKE = "intake", _("Intake and inventory")
        ANALYSIS = "analysis", _("Analysis and matching")
        ADVICE = "advice", _("Advice and report")
        MEETING = "meeting", _("Meeting with the client")
        REVIEW = "review", _("Review")
        IMPLEMENTATION = "implementation", _("Implementation")

    case = models.ForeignKey(AdviceCase, on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    minutes = models.PositiveIntegerField(_("minutes"))
    on = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gt=0, minutes__lte=24 * 60),
                                              name="timeentry_minutes_range")]

    def __str__(self):
        return f"{self.case}: {self.minutes} min"
