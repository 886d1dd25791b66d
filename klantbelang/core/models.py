from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class Firm(models.Model):
    """The tenant: an advisory firm. Every row of client data belongs to exactly one firm."""

    class Country(models.TextChoices):
        NETHERLANDS = "NL", _("Netherlands")
        BELGIUM = "BE", _("Belgium")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default=Country.NETHERLANDS)
    registration_number = models.CharField(
        _("registration number"), max_length=40, blank=True, help_text=_("AFM / FSMA registration")
    )
    is_active = models.BooleanField(_("active"), default=True)
    require_two_factor = models.BooleanField(
        _("two-factor authentication required for managers and administrators"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("firm")
        verbose_name_plural = _("firms")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(country__in=["NL", "BE"]), name="firm_country_valid"),
        ]

    def __str__(self):
        return self.name


class FirmScopedQuerySet(models.QuerySet):
    """Base for every queryset of firm-owned rows: reads start from the user's firm."""

    def visible_to(self, user):
        firm = getattr(user, "firm", None) if user is not None and user.is_authenticated else None
        if firm is None:
            return self.none()
        return self.filter(firm=firm)


class AuditEventQuerySet(FirmScopedQuerySet):
    def visible_to(self, user):
        if not (user.is_authenticated and user.has_any_role({Role.MANAGER, Role.ADMIN})):
            return self.none()
        return super().visible_to(user)


class AuditEvent(models.Model):
    """One change, append-only. A database trigger rejects UPDATE and DELETE (migration 0002)."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="audit_events", null=True)
    # PROTECT: an audit row cannot be updated, so the actor can never be set to NULL afterwards.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["firm", "-created_at"], name="auditevent_firm_created"),
            models.Index(fields=["object_type", "object_id"], name="auditevent_object"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"


class BackgroundJobQuerySet(FirmScopedQuerySet):
    def visible_to(self, user):
        """A person sees the jobs they started; managers and admins see all of their firm's."""
        jobs = super().visible_to(user)
        if user.is_authenticated and user.has_any_role({Role.MANAGER, Role.ADMIN}):
            return jobs
        return jobs.filter(created_by=user) if user.is_authenticated else jobs

    def unfinished(self):
        return self.filter(status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING])


class BackgroundJob(models.Model):
    """What a person sees of a long-running task: its progress and its outcome.

    The task itself runs through django-tasks; this row is the user-facing record, written by
    the task as it goes (see core.jobs).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("total steps"), default=0)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    # What to run again when a failed or interrupted job is retried.
    task_path = models.CharField(max_length=200, blank=True)
    task_kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # Moved by every progress report: a running job whose heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    retried_as = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["queued", "running", "succeeded", "failed"]),
                                   name="backgroundjob_status_valid"),
            models.CheckConstraint(condition=Q(done__lte=models.F("total")) | Q(total=0),
                                   name="backgroundjob_done_within_total"),
        ]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}
