from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.core.models import Firm, FirmScopedQuerySet
from klantbelang.core.roles import Role

from .importing import profile_from_fields


class Category(models.TextChoices):
    MORTGAGE = "mortgage", _("Mortgage")
    TERM_LIFE = "term_life", _("Term life insurance")
    FUNERAL = "funeral", _("Funeral insurance")
    INCOME_PROTECTION = "income_protection", _("Income protection (AOV)")
    PENSION_ANNUITY = "pension_annuity", _("Pension / annuity")
    INVESTMENT_FUND = "investment_fund", _("Investment fund")
    STRUCTURED_NOTE = "structured_note", _("Structured note")
    SAVINGS = "savings", _("Savings")
    HOME = "home", _("Home and contents insurance")
    LIABILITY = "liability", _("Liability insurance")
    CAR = "car", _("Car insurance")
    TRAVEL = "travel", _("Travel insurance")


SHELF_ROLES = {Role.ADVISER, Role.REVIEWER, Role.MARKETING, Role.MANAGER, Role.ADMIN}


class ShelfQuerySet(FirmScopedQuerySet):
    def visible_to(self, user):
        """The firm's shelf is for the people who work in the firm; clients and product
        developers do not browse it."""
        if not (user.is_authenticated and user.has_any_role(SHELF_ROLES)):
            return self.none()
        return super().visible_to(user)


class Provider(models.Model):
    class Kind(models.TextChoices):
        INSURER = "insurer", _("Insurer")
        BANK = "bank", _("Bank")
        ASSET_MANAGER = "asset_manager", _("Asset manager")
        PENSION_PROVIDER = "pension_provider", _("Pension provider")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="providers")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.ASSET_MANAGER)

    objects = ShelfQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="provider_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=["insurer", "bank", "asset_manager", "pension_provider"]),
                                   name="provider_kind_valid"),
        ]

    def __str__(self):
        return self.name


class ProductQuerySet(ShelfQuerySet):
    def active(self):
        return self.filter(status=Product.Status.ACTIVE)


class Product(models.Model):
    """A product on the firm's shelf with its product-governance target market.

    ``target_market`` holds the five ESMA axes as ``{axis: {value: "Y" | "N" | "neutral" | None}}``
    (client_type, knowledge, loss, objectives, service); the negative target market is the "N"
    answers. There is deliberately no field for commission or other remuneration.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed for new business")

    class Source(models.TextChoices):
        EMT = "emt", "EMT"
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        JSON = "json", "JSON"

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="products")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("provider"))
    code = models.CharField(_("code"), max_length=40, help_text=_("ISIN or the provider's own code"))
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    one_off_cost_pct = models.FloatField(_("one-off costs (%)"), null=True, blank=True)
    ongoing_cost_pct = models.FloatField(_("ongoing costs (% a year)"), null=True, blank=True)
    sri = models.PositiveSmallIntegerField(_("risk indicator (SRI)"), null=True, blank=True)
    sfdr_article = models.PositiveSmallIntegerField(_("SFDR article"), null=True, blank=True)
    taxonomy_pct = models.FloatField(_("taxonomy-aligned (%)"), null=True, blank=True)
    sustainable_pct = models.FloatField(_("sustainable investments (%)"), null=True, blank=True)
    pai_considered = models.BooleanField(_("principal adverse impacts considered"), null=True, blank=True)
    target_market = models.JSONField(_("target market"), default=dict)
    loss_level_pct = models.FloatField(_("maximum loss for limited-loss clients (%)"), null=True, blank=True)
    min_horizon_years = models.FloatField(_("minimum holding period (years)"), null=True, blank=True)
    needs_served = models.JSONField(_("needs served"), default=list, blank=True)
    min_entry_age = models.PositiveSmallIntegerField(_("minimum entry age"), null=True, blank=True)
    max_entry_age = models.PositiveSmallIntegerField(_("maximum entry age"), null=True, blank=True)
    distribution_strategy = models.TextField(_("distribution strategy"), blank=True)
    review_date = models.DateField(_("product review date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    attributes = models.JSONField(_("other attributes"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.CSV)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "code"], name="product_unique_code"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="product_category_valid"),
            models.CheckConstraint(condition=Q(status__in=["active", "closed"]), name="product_status_valid"),
            models.CheckConstraint(condition=Q(sri__isnull=True) | Q(sri__gte=1, sri__lte=7),
                                   name="product_sri_1_to_7"),
            models.CheckConstraint(condition=Q(sfdr_article__isnull=True) | Q(sfdr_article__in=[6, 8, 9]),
                                   name="product_sfdr_article_valid"),
            models.CheckConstraint(
                condition=Q(taxonomy_pct__isnull=True) | Q(taxonomy_pct__gte=0, taxonomy_pct__lte=100),
                name="product_taxonomy_pct_range"),
            models.CheckConstraint(
                condition=Q(sustainable_pct__isnull=True) | Q(sustainable_pct__gte=0, sustainable_pct__lte=100),
                name="product_sustainable_pct_range"),
        ]
        indexes = [
            models.Index(fields=["firm", "category"], name="product_firm_category"),
            models.Index(fields=["firm", "status"], name="product_firm_status"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def to_profile(self):
        """The engine's view of this product (matching.product.ProductProfile)."""
        return profile_from_fields(
            code=self.code, name=self.name, target_market=self.target_market, loss_level_pct=self.loss_level_pct,
            sri=self.sri, min_horizon_years=self.min_horizon_years, taxonomy_pct=self.taxonomy_pct,
            sustainable_pct=self.sustainable_pct, pai_considered=self.pai_considered,
            needs_served=self.needs_served, min_entry_age=self.min_entry_age, max_entry_age=self.max_entry_age,
            ongoing_cost_pct=self.ongoing_cost_pct,
        )

    @property
    def negative_target_market(self) -> dict[str, list[str]]:
        return {axis: [value for value, answer in answers.items() if answer == "N"]
                for axis, answers in self.target_market.items()
                if any(answer == "N" for answer in answers.values())}


class ProductVersion(models.Model):
    """The state of a product as each import left it; a re-import that changes it adds one."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("data"))
    changed_fields = models.JSONField(_("changed fields"), default=list)
    source = models.CharField(_("source"), max_length=10)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("product version")
        verbose_name_plural = _("product versions")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["product", "version"], name="productversion_unique")]

    def __str__(self):
        return f"{self.product.code} v{self.version}"


class ProductImportQuerySet(ShelfQuerySet):
    pass


class ProductImport(models.Model):
    """An uploaded product file: checked first, written only after a person confirms."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="product_imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to="product-imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    summary = models.JSONField(_("summary"), default=dict)
    problems = models.JSONField(_("problems"), default=list)
    job = models.ForeignKey("core.BackgroundJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = ProductImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["invalid", "ready", "applying", "applied", "failed"]),
                                   name="productimport_status_valid"),
        ]

    def __str__(self):
        return self.filename
