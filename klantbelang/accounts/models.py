import datetime
import hashlib
from functools import cached_property

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from klantbelang.core.domains import Domain
from klantbelang.core.models import Firm, FirmScopedQuerySet
from klantbelang.core.roles import STAFF_ROLES, Role


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Colleagues in the user's own firm; clients and product developers see only themselves."""
        if not user.is_authenticated or user.firm is None:
            return self.none()
        if not user.is_staff_member:
            return self.filter(pk=user.pk)
        return self.filter(memberships__firm=user.firm).distinct()

    def staff(self):
        """People who work in a firm (not its clients or the manufacturers' product developers)."""
        return self.filter(memberships__role__in=STAFF_ROLES).distinct()


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Belongs to one firm through memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=5, choices=[("nl", "Nederlands"), ("en", "English")],
                                default="nl")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Part of every session's signature: raising it ends all of this person's sessions at once.
    session_version = models.PositiveIntegerField(default=0)
    # Part of every calendar-feed address: raising it revokes the addresses handed out so far.
    calendar_generation = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret=None):
        # Django signs each session with a hash of the password; adding the session version makes
        # "log out everywhere" invalidate every session without touching the password.
        return salted_hmac("klantbelang.accounts.User.session", f"{self.password}:{self.session_version}",
                           secret=secret, algorithm="sha256").hexdigest()

    @cached_property
    def _firm_and_roles(self) -> tuple[Firm | None, frozenset[str]]:
        memberships = list(self.memberships.select_related("firm").filter(firm__is_active=True))
        if not memberships:
            return None, frozenset()
        return memberships[0].firm, frozenset(membership.role for membership in memberships)

    @property
    def firm(self) -> Firm | None:
        return self._firm_and_roles[0]

    @property
    def roles(self) -> frozenset[str]:
        return self._firm_and_roles[1]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_staff_member(self) -> bool:
        """Works inside the firm on client files (not a client, not a product developer)."""
        return self.has_any_role(STAFF_ROLES)

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in Role.values if role in self.roles]


class Membership(models.Model):
    """A user's role in a firm. A user holds one or more roles, all in the same firm."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FirmScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "firm", "role"], name="membership_unique_role"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()} @ {self.firm}"


class Team(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(User, related_name="teams", blank=True, verbose_name=_("members"))

    objects = FirmScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["firm", "name"], name="team_unique_name")]

    def __str__(self):
        return self.name


class Expertise(models.Model):
    """An adviser's expertise in an advice domain; used to compose case teams and assign prospects."""

    class Level(models.TextChoices):
        QUALIFIED = "qualified", _("Qualified")
        SPECIALIST = "specialist", _("Specialist")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="expertise")
    domain = models.CharField(_("domain"), max_length=30, choices=Domain.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.QUALIFIED)

    class Meta:
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise")
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["user", "domain"], name="expertise_unique_domain"),
            models.CheckConstraint(condition=Q(domain__in=Domain.values), name="expertise_domain_valid"),
            models.CheckConstraint(condition=Q(level__in=["qualified", "specialist"]), name="expertise_level_valid"),
        ]

    def __str__(self):
        return f"{self.get_domain_display()} ({self.get_level_display()})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _token_expiry():
    return timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=12)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=_token_expiry)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def firm(self):
        return self.user.firm
