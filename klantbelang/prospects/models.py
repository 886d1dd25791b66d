"""Prospects: one pipeline for marketing and sales, qualified on fit and mutual commitment."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.clients.models import Client
from klantbelang.core.i18n import language_key
from klantbelang.core.models import Firm, FirmScopedQuerySet
from klantbelang.core.needs import NeedType
from klantbelang.core.roles import Role

# The roles that work the pipeline; reviewers, product developers and clients never see prospects.
PIPELINE_ROLES = frozenset({Role.ADVISER, Role.MARKETING, Role.MANAGER, Role.ADMIN})
RETENTION_DAYS = 365


class PipelineQuerySet(FirmScopedQuerySet):
    def visible_to(self, user):
        if not (user.is_authenticated and user.has_any_role(PIPELINE_ROLES)):
            return self.none()
        return super().visible_to(user)


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    CLIENT_REFERRAL = "client_referral", _("Referral by a client")
    PROFESSIONAL_REFERRAL = "professional_referral", _("Referral by a professional")
    EVENT = "event", _("Seminar or event")
    SOCIAL = "social", _("Social media")
    COMPARISON_SITE = "comparison_site", _("Comparison site")
    PURCHASED_LIST = "purchased_list", _("Purchased list")
    OTHER = "other", _("Other")


class Source(models.Model):
    """Where prospects come from; marketing owns the list."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="prospect_sources")
    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    active = models.BooleanField(_("active"), default=True)

    objects = PipelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["firm", "name"], name="source_unique_name"),
                       models.CheckConstraint(condition=Q(channel__in=Channel.values), name="source_channel_valid")]

    def __str__(self):
        return self.name


class Campaign(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="campaigns")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("source"))
    name = models.CharField(_("name"), max_length=160)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    cost = models.DecimalField(_("cost (€)"), max_digits=10, decimal_places=2, default=0)

    objects = PipelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="campaign_unique_name"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="campaign_cost_not_negative"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="campaign_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class StageKind(models.TextChoices):
    NEW = "new", _("New")
    QUALIFYING = "qualifying", _("Qualifying")
    INTRODUCTION = "introduction", _("Introduction")
    AGREEMENT = "agreement", _("Agreement")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


OPEN_KINDS = (StageKind.NEW, StageKind.QUALIFYING, StageKind.INTRODUCTION, StageKind.AGREEMENT)
# Which kind of stage may follow which. Open stages move freely among each other; a prospect
# is won only from agreement; a lost prospect can be reopened; won is final (the client exists).
MOVES = {
    StageKind.NEW: {StageKind.QUALIFYING, StageKind.INTRODUCTION, StageKind.LOST},
    StageKind.QUALIFYING: {StageKind.NEW, StageKind.INTRODUCTION, StageKind.AGREEMENT, StageKind.LOST},
    StageKind.INTRODUCTION: {StageKind.NEW, StageKind.QUALIFYING, StageKind.AGREEMENT, StageKind.LOST},
    StageKind.AGREEMENT: {StageKind.QUALIFYING, StageKind.INTRODUCTION, StageKind.WON, StageKind.LOST},
    StageKind.LOST: {StageKind.NEW, StageKind.QUALIFYING},
    StageKind.WON: set(),
}


class Stage(models.Model):
    """A column of the board: the firm names it, its kind fixes what it means."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="prospect_stages")
    kind = models.CharField(_("kind"), max_length=20, choices=StageKind.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PipelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=StageKind.values), name="stage_kind_valid")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if language_key() == "en" else self.name_nl

    @property
    def is_open(self) -> bool:
        return self.kind in OPEN_KINDS


class LostReason(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="lost_reasons")
    code = models.SlugField(_("code"), max_length=40)
    label_nl = models.CharField(_("label (Dutch)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PipelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["firm", "code"], name="lost_reason_unique_code")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if language_key() == "en" else self.label_nl


class Audience(models.TextChoices):
    PRIVATE = "private", _("Private individuals and families")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    BUSINESS_OWNER = "business_owner", _("Business owners (DGA)")
    RETIRED = "retired", _("Retired")


class Assets(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    UNDER_25K = "under_25k", _("Under €25,000")
    FROM_25K = "25k_100k", _("€25,000 – €100,000")
    FROM_100K = "100k_500k", _("€100,000 – €500,000")
    OVER_500K = "over_500k", _("Over €500,000")


class ServiceScope(models.Model):
    """What the firm does and for whom: the yardstick for a prospect's fit."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="service_scope")
    needs = models.JSONField(_("needs we serve"), default=list)
    audiences = models.JSONField(_("for whom"), default=list)
    countries = models.JSONField(_("countries"), default=list)
    default_capacity = models.PositiveSmallIntegerField(
        _("open prospects per adviser"), default=12,
        help_text=_("How many open prospects an adviser takes on, unless set per adviser."))
    hourly_cost = models.DecimalField(_("cost of an adviser hour (€)"), max_digits=7, decimal_places=2, default=95)

    class Meta:
        verbose_name = _("service scope")
        verbose_name_plural = _("service scopes")

    def __str__(self):
        return str(self.firm)

    @property
    def domains(self) -> list[str]:
        from klantbelang.core.needs import NEED_DOMAINS

        return sorted({str(NEED_DOMAINS[need]) for need in self.needs if need in NEED_DOMAINS})


class AdviserCapacity(models.Model):
    """An adviser's room for new prospects, and when they last got one (for round-robin)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="adviser_capacities")
    adviser = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prospect_capacity")
    max_open = models.PositiveSmallIntegerField(_("open prospects at most"), null=True, blank=True)
    accepting = models.BooleanField(_("takes new prospects"), default=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    objects = PipelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("adviser capacity")
        verbose_name_plural = _("adviser capacities")

    def __str__(self):
        return str(self.adviser)


class Prospect(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        HOUSEHOLD = "household", _("Household")

    class Country(models.TextChoices):
        NL = "NL", _("the Netherlands")
        BE = "BE", _("Belgium")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="prospects")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    kind = models.CharField(_("person or household"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    household_size = models.PositiveSmallIntegerField(_("household size"), default=1)
    audience = models.CharField(_("situation"), max_length=20, choices=Audience.choices, default=Audience.PRIVATE)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.NL)
    assets = models.CharField(_("investable assets"), max_length=12, choices=Assets.choices, default=Assets.UNKNOWN)
    stated_needs = models.JSONField(_("needs they mention"), default=list)
    own_words = models.TextField(_("in their own words"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="prospects", verbose_name=_("source"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="prospects",
                                 verbose_name=_("campaign"))
    contact_consent = models.BooleanField(_("consents to be contacted"), default=False)
    contact_consent_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_prospects",
                              verbose_name=_("owner"))
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="assigned_prospects", verbose_name=_("adviser"))
    assignment_note = models.TextField(_("why this adviser"), blank=True)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="prospects", verbose_name=_("stage"))
    stage_entered_at = models.DateTimeField(default=timezone.now)
    lost_reason = models.ForeignKey(LostReason, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="prospects", verbose_name=_("lost reason"))
    lost_note = models.CharField(_("about the loss"), max_length=500, blank=True)
    client = models.OneToOneField(Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="prospect")
    won_on = models.DateField(_("became a client on"), null=True, blank=True)
    ended_on = models.DateField(_("relationship ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edit_version = models.PositiveIntegerField(default=1)
    # The computed score, written by the batch task only; a manual override sits beside it.
    score = models.FloatField(_("score"), null=True, blank=True)
    score_factors = models.JSONField(default=list, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    score_model = models.ForeignKey("ScoringModel", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    override_score = models.FloatField(_("score set by hand"), null=True, blank=True)
    override_reason = models.CharField(_("why"), max_length=500, blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    override_at = models.DateTimeField(null=True, blank=True)
    # A manager's recorded decision to take on a prospect outside the firm's service scope: without
    # it such a prospect does not move past qualification (services.move).
    fit_exception = models.CharField(_("why we take this on outside our scope"), max_length=500, blank=True)
    fit_exception_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")
    fit_exception_at = models.DateTimeField(null=True, blank=True)

    objects = PipelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["firm", "stage"], name="prospect_firm_stage"),
                   models.Index(fields=["firm", "created_at"], name="prospect_firm_created")]
        constraints = [
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                                   name="prospect_score_probability"),
            models.CheckConstraint(condition=Q(override_score__isnull=True) | Q(override_score__gte=0,
                                                                                override_score__lte=1),
                                   name="prospect_override_probability"),
            models.CheckConstraint(condition=Q(override_score__isnull=True) | ~Q(override_reason=""),
                                   name="prospect_override_has_reason"),
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="prospect_audience_valid"),
            models.CheckConstraint(condition=Q(fit_exception="") | Q(fit_exception_by__isnull=False),
                                   name="prospect_fit_exception_by_someone"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(won_on__isnull=False),
                                   name="prospect_ends_only_when_won"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def name(self) -> str:
        return str(self)

    @property
    def shown_score(self) -> float | None:
        return self.override_score if self.override_score is not None else self.score

    def outcome(self, today: datetime.date) -> bool | None:
        """True: became a client and still was one 12 months later; False: did not; None: not known yet."""
        return {"lasting": True, "lost": False, "left_within_year": False}.get(
            classify(kind=self.stage.kind, won_on=self.won_on, ended_on=self.ended_on, today=today))

    @property
    def need_labels(self) -> list[str]:
        return [str(NeedType(need).label) for need in self.stated_needs if need in NeedType.values]


def classify(*, kind: str, won_on, ended_on, today: datetime.date) -> str:
    """lasting / left_within_year / not_yet_known (won less than a year ago) / lost / open: the one
    definition of "became a client and stayed" for the score, the reports and the dashboard."""
    if kind == StageKind.LOST:
        return "lost"
    if won_on is None:
        return "open"
    if ended_on is not None and (ended_on - won_on).days < RETENTION_DAYS:
        return "left_within_year"
    if (today - won_on).days >= RETENTION_DAYS:
        return "lasting"
    return "not_yet_known"


class StageChange(models.Model):
    """One move on the board, with how long the prospect sat in the stage it left."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    seconds_in_previous = models.PositiveIntegerField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.prospect_id}: {self.from_stage_id} → {self.to_stage_id}"

    @property
    def days_in_previous(self) -> float | None:
        return None if self.seconds_in_previous is None else round(self.seconds_in_previous / 86400, 1)


class Activity(models.TextChoices):
    CALL = "call", _("Phone call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    PREPARATION = "preparation", _("Preparation")
    TRAVEL = "travel", _("Travel")
    OTHER = "other", _("Other")


class ProspectTime(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gte=1, minutes__lte=720),
                                              name="prospect_time_minutes_range")]

    def __str__(self):
        return f"{self.minutes} min, {self.on}"


class RelationshipCheck(models.Model):
    """The mutual long-term-relationship check: a short conversation both sides answer."""

    class Contact(models.TextChoices):
        YEARLY = "yearly", _("A review once a year")
        TWICE = "twice", _("Twice a year")
        ON_EVENTS = "on_events", _("When something changes in my life")
        ON_REQUEST = "on_request", _("Only when I ask")

    class Share(models.TextChoices):
        YES = "yes", _("Yes, everything that matters")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    class Fee(models.TextChoices):
        YES = "yes", _("Yes")
        UNSURE = "unsure", _("Not sure yet")
        NO = "no", _("No")

    class Horizon(models.TextChoices):
        UNDER_1 = "under_1", _("Less than a year")
        FROM_1 = "1_3", _("1 to 3 years")
        FROM_3 = "3_5", _("3 to 5 years")
        OVER_5 = "over_5", _("More than 5 years")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="+")
    prospect = models.OneToOneField(Prospect, on_delete=models.CASCADE, related_name="relationship_check")
    contact = models.CharField(_("what contact and reviews do you expect?"), max_length=12, choices=Contact.choices)
    shares_information = models.CharField(_("will you share complete information, also later?"), max_length=8,
                                          choices=Share.choices)
    accepts_fee = models.CharField(_("do you accept a fee instead of commission?"), max_length=8,
                                   choices=Fee.choices)
    horizon = models.CharField(_("how long do you see this relationship lasting?"), max_length=8,
                               choices=Horizon.choices)
    firm_can_meet = models.BooleanField(_("we can give the contact they expect"))
    firm_wants = models.BooleanField(_("we want a long-term relationship with them"))
    firm_note = models.CharField(_("our considerations"), max_length=1000, blank=True)
    mutual = models.BooleanField(_("both want a long-term relationship"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("relationship check")
        verbose_name_plural = _("relationship checks")

    def __str__(self):
        return f"{self.prospect_id}: {'mutual' if self.mutual else 'not mutual'}"


class ScoringModel(models.Model):
    """A trained scoring pipeline with its backtest; the newest per firm scores open prospects."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="scoring_models")
    trained_at = models.DateTimeField(default=timezone.now)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    rows = models.PositiveIntegerField()
    positives = models.PositiveIntegerField()
    metrics = models.JSONField(default=dict)
    calibration = models.JSONField(default=list)
    weights = models.JSONField(default=list)
    library_version = models.CharField(max_length=20)
    pipeline = models.BinaryField()

    objects = PipelineQuerySet.as_manager()

    class Meta:
        ordering = ["-trained_at", "-pk"]
        get_latest_by = "trained_at"

    def __str__(self):
        return f"{self.firm} {self.trained_at:%Y-%m-%d %H:%M}"

