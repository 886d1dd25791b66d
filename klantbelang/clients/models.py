from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.accounts.models import Team
from klantbelang.core.domains import domain_labels
from klantbelang.core.errors import DomainError
from klantbelang.core.models import Firm
from klantbelang.core.roles import Role

from .completeness import DOMAINS, missing_for

# One bit per advice domain, for the client list's "missing information for" filter.
DOMAIN_BITS = {domain: 1 << index for index, domain in enumerate(DOMAINS)}


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reviewers, managers and admins see the firm's clients; an adviser the clients they are
        responsible for or whose team they are in; a client only their own household."""
        if not user.is_authenticated or user.firm is None:
            return self.none()
        clients = self.filter(firm=user.firm)
        if user.has_any_role({Role.REVIEWER, Role.MANAGER, Role.ADMIN}):
            return clients
        if user.has_role(Role.ADVISER):
            # A subquery, not a join on team members: no DISTINCT over a large book.
            teams = Team.objects.filter(members=user).values("pk")
            return clients.filter(Q(responsible_adviser=user) | Q(team__in=teams))
        if user.has_role(Role.CLIENT):
            return clients.filter(portal_user=user)
        return self.none()


class Client(models.Model):
    """A household the firm advises: one or more persons, one versioned needs profile."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="clients")
    reference = models.CharField(_("client number"), max_length=30)
    name = models.CharField(_("name"), max_length=200, help_text=_("For example: Household Jansen"))
    responsible_adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                            related_name="clients", verbose_name=_("responsible adviser"))
    team = models.ForeignKey("accounts.Team", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="clients", verbose_name=_("team"))
    portal_user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="portal_client")
    current_profile = models.ForeignKey("NeedsProfile", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    # Kept in step with the current profile version, for the client list's filters: a bit per
    # domain (DOMAIN_BITS) is a cheap integer test on any database, where a JSON list is not.
    missing_mask = models.PositiveSmallIntegerField(_("domains with missing information"), default=0)
    last_life_event_on = models.DateField(_("latest life event"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["firm", "reference"], name="client_unique_reference")]
        indexes = [models.Index(fields=["firm", "name"], name="client_firm_name"),
                   models.Index(fields=["firm", "last_life_event_on"], name="client_firm_life_event")]

    def __str__(self):
        return self.name

    @property
    def incomplete_domains(self) -> list[str]:
        return [domain for domain, bit in DOMAIN_BITS.items() if self.missing_mask & bit]

    @property
    def incomplete_domain_labels(self) -> list[str]:
        return domain_labels(self.incomplete_domains)


def domain_mask(domains) -> int:
    return sum(DOMAIN_BITS[domain] for domain in set(domains))


class Person(models.Model):
    class Role(models.TextChoices):
        CLIENT = "client", _("Client")
        PARTNER = "partner", _("Partner")
        DEPENDANT = "dependant", _("Dependant")

    class Employment(models.TextChoices):
        EMPLOYED = "employment", _("Employed")
        SELF_EMPLOYED = "self_employment", _("Self-employed")
        RETIRED = "retired", _("Retired")
        OTHER = "other", _("Other")

    class RelationshipStatus(models.TextChoices):
        SINGLE = "single", _("Single")
        MARRIED = "married", _("Married or registered partners")
        COHABITING = "cohabiting", _("Living together")
        DIVORCED = "divorced", _("Divorced")
        WIDOWED = "widowed", _("Widowed")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    relationship_status = models.CharField(_("relationship status"), max_length=20,
                                           choices=RelationshipStatus.choices, blank=True)
    employment = models.CharField(_("employment"), max_length=20, choices=Employment.choices, blank=True)
    is_vulnerable = models.BooleanField(_("needs extra care"), default=False)
    vulnerability_note = models.CharField(_("what care is needed"), max_length=300, blank=True)
    vulnerability_consent_at = models.DateTimeField(_("consent to record this"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["client", "role", "date_of_birth", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["client", "partner", "dependant"]), name="person_role_valid"),
            # A vulnerability may only be recorded with the person's consent (GDPR art. 9).
            models.CheckConstraint(condition=Q(is_vulnerable=False) | Q(vulnerability_consent_at__isnull=False),
                                   name="person_vulnerability_needs_consent"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def snapshot(self) -> dict:
        return {"id": self.pk, "role": self.role,
                "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
                "employment": self.employment or None, "relationship_status": self.relationship_status or None}


class ProfileLocked(DomainError):
    code = "profile_version_immutable"
    status = 409
    default_message = _("A profile version never changes; save a new version instead.")


class NeedsProfile(models.Model):
    """One version of a client's needs profile. Immutable: editing makes a new version, so advice
    that refers to a version can always show exactly what it was based on. A database trigger
    rejects UPDATE (migration 0002)."""

    class Source(models.TextChoices):
        CLIENT = "client", _("Client")
        ADVISER = "adviser", _("Adviser")
        IMPORT = "import", _("Import")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="profiles")
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("profile"))
    provenance = models.JSONField(_("provenance"), default=dict)
    changed_fields = models.JSONField(_("changed fields"), default=list)
    derived = models.JSONField(_("derived"), default=dict)
    needs = models.JSONField(_("demands and needs"), default=list)
    missing = models.JSONField(_("missing information"), default=dict)
    contradictions = models.JSONField(_("contradictions"), default=list)
    source = models.CharField(_("entered by"), max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("needs profile version")
        verbose_name_plural = _("needs profile versions")
        ordering = ["client", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="needsprofile_unique_version"),
            models.CheckConstraint(condition=Q(source__in=["client", "adviser", "import"]),
                                   name="needsprofile_source_valid"),
        ]

    def __str__(self):
        return f"{self.client} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ProfileLocked
        super().save(*args, **kwargs)

    @property
    def firm(self):
        return self.client.firm

    def missing_for(self, domain: str) -> list[dict]:
        """The required information for ``domain`` that this version lacks (empty: advice may start)."""
        return missing_for(self.data, domain)


class ProfileConfirmation(models.Model):
    """The client (or the adviser with the client) confirms that a version is right."""

    profile = models.ForeignKey(NeedsProfile, on_delete=models.CASCADE, related_name="confirmations")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_at"]
        constraints = [models.UniqueConstraint(fields=["profile", "confirmed_by"], name="confirmation_unique")]

    def __str__(self):
        return f"{self.profile} ✓ {self.confirmed_by}"
