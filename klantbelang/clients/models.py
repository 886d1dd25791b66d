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


def adviser_scope(user, prefix: str = "") -> Q:
    """The households an adviser works on: their own and their teams' (``prefix`` reaches the client
    from another model, e.g. ``"client__"``). A subquery, not a join on team members: no DISTINCT
    over a large book."""
    teams = Team.objects.filter(members=user).values("pk")
    return Q(**{f"{prefix}responsible_adviser": user}) | Q(**{f"{prefix}team__in": teams})


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
            return clients.filter(adviser_scope(user))
        if user.has_role(Role.CLIENT):
            return clients.filter(portal_user=user)
        return self.none()

    def possible_duplicates(self, *, firm, persons: list[dict], postcode: str = ""):
        """The firm's households (erased ones aside) that already hold one of these adults: the same
        last name (any case) and date of birth, and the same postcode unless either has none. The
        whole firm is searched, not just what the user sees: a household in a colleague's team is
        just as much a duplicate."""
        match = Q()
        for person in persons:
            if person.get("role") in ("client", "partner") and person.get("date_of_birth") and person.get("last_name"):
                match |= Q(persons__last_name__iexact=person["last_name"].strip(),
                           persons__date_of_birth=person["date_of_birth"],
                           persons__role__in=("client", "partner"))
        if not match:
            return self.none()
        households = self.filter(match, firm=firm, erased_at__isnull=True)
        if postcode:
            households = households.filter(Q(postcode="") | Q(postcode=postcode))
        return households.distinct().order_by("reference")


class ClientNumber(models.Model):
    """The firm's client-number sequence: the last number handed out. It only goes up, so a number
    is never given twice, not even after the household that had it was erased or deleted."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="client_number", primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.firm}: {self.last}"


class Client(models.Model):
    """A household the firm advises: one or more persons, one versioned needs profile."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="clients")
    reference = models.CharField(_("client number"), max_length=30)
    name = models.CharField(_("name"), max_length=200, help_text=_("For example: Household Jansen"))
    # Where the household lives (Dutch "1234 AB" or Belgian "1000", services.normal_postcode): with
    # a name and a date of birth it tells a new household from one already on file.
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
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
    # Erasure at the client's request (AVG art. 17): contact details and portal access are removed
    # at once; what the law makes the firm keep (advice files) stays, read-only, until
    # ``retain_until`` and is then purged with the rest of the household (privacy.purge).
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    retain_until = models.DateField(_("kept until"), null=True, blank=True)

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


class Consent(models.Model):
    """One decision of a client about being contacted for marketing: given or withdrawn, when, by
    whom and how it was recorded. Append-only; the latest record per purpose is what applies.
    Consent for vulnerability data sits on the person (Person.vulnerability_consent_at) and for
    the dialogue in its opt-in."""

    class Purpose(models.TextChoices):
        EMAIL = "marketing_email", _("News and offers by e-mail")
        PHONE = "marketing_phone", _("News and offers by phone")
        POST = "marketing_post", _("News and offers by post")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("by the client in the portal")
        IN_PERSON = "in_person", _("in a meeting")
        PHONE = "phone", _("by phone")
        WRITING = "writing", _("in writing or by e-mail")
        ERASURE = "erasure", _("withdrawn at erasure")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given = models.BooleanField(_("consent given"))
    channel = models.CharField(_("recorded"), max_length=12, choices=Channel.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("marketing consent")
        verbose_name_plural = _("marketing consents")
        ordering = ["client", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(purpose__in=["marketing_email", "marketing_phone", "marketing_post"]),
                                   name="consent_purpose_valid"),
            models.CheckConstraint(condition=Q(channel__in=["portal", "in_person", "phone", "writing", "erasure"]),
                                   name="consent_channel_valid"),
        ]
        indexes = [models.Index(fields=["client", "purpose", "-recorded_at"], name="consent_latest")]

    def __str__(self):
        return f"{self.get_purpose_display()}: {_('yes') if self.given else _('no')}"


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
    # A new address staff entered for a person who had one: it counts once the person confirms it
    # from the old address, or a second member of staff confirms it (services.save_person).
    email_pending = models.EmailField(_("new e-mail address, not yet confirmed"), blank=True)
    email_pending_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+")
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
