"""The dialogue space: clients, advisers, product developers and managers work on a topic toward
a proposal and a decision. Contributions are typed (observation, need, idea, experiment proposal,
result) rather than positions for or against, so the parties build on each other instead of
trying to win."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.core.models import Firm, FirmScopedQuerySet
from klantbelang.core.roles import STAFF_ROLES, Role


class Party(models.TextChoices):
    CLIENT = "client", _("Client")
    ADVISER = "adviser", _("Adviser")
    PRODUCT_DEVELOPER = "product_developer", _("Product developer")
    MANAGEMENT = "management", _("Management")


def party_of(user) -> str | None:
    """The party a person speaks for in a dialogue, from their roles; None if they cannot take part."""
    if user.has_any_role({Role.MANAGER, Role.ADMIN}):
        return Party.MANAGEMENT
    if user.has_any_role(STAFF_ROLES):
        return Party.ADVISER
    if user.has_role(Role.PRODUCT_DEVELOPER):
        return Party.PRODUCT_DEVELOPER
    if user.has_role(Role.CLIENT):
        return Party.CLIENT
    return None


class DialogueOptIn(models.Model):
    """A client's choice, made in the portal, to take part in the firm's dialogues. Without it a
    client sees no topic; withdrawing removes the row (the audit log keeps both moments)."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="dialogue_opt_ins")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dialogue_opt_in")
    show_name = models.BooleanField(_("show my name instead of a pseudonym"), default=False)
    opted_in_at = models.DateTimeField(default=timezone.now)

    objects = FirmScopedQuerySet.as_manager()

    def __str__(self):
        return f"{self.user_id} @ {self.firm_id}"


class TopicQuerySet(FirmScopedQuerySet):
    def visible_to(self, user):
        """Staff see every topic of the firm; a product developer the topics their provider is
        invited to; a client who opted in the topics open to clients; nobody else anything."""
        from . import developer_provider

        topics = super().visible_to(user)
        if not user.is_authenticated:
            return topics.none()
        if user.has_any_role(STAFF_ROLES):
            return topics
        if user.has_role(Role.PRODUCT_DEVELOPER):
            provider = developer_provider(user)
            return topics.filter(provider=provider) if provider is not None else topics.none()
        if user.has_role(Role.CLIENT) and DialogueOptIn.objects.filter(user=user, firm=user.firm).exists():
            return topics.filter(clients_invited=True)
        return topics.none()


class Topic(models.Model):
    class Subject(models.TextChoices):
        PRODUCT = "product", _("A product")
        NEED = "need", _("A need")
        WAY_OF_WORKING = "way_of_working", _("A way of working")

    class Stage(models.TextChoices):
        EXPLORING = "exploring", _("Exploring")
        PROPOSAL = "proposal", _("Proposal")
        DECISION = "decision", _("Decision")
        FOLLOW_UP = "follow_up", _("Follow-up")

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    subject = models.CharField(_("about"), max_length=20, choices=Subject.choices)
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="topics", verbose_name=_("product"))
    need_type = models.CharField(_("need"), max_length=40, blank=True)
    question = models.TextField(_("what we want to find out"))
    # The manufacturer invited: its product developers see and join the topic.
    provider = models.ForeignKey("products.Provider", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="topics", verbose_name=_("provider invited"))
    clients_invited = models.BooleanField(_("open to clients who take part in dialogues"), default=False)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.EXPLORING)
    decision = models.TextField(_("decision"), blank=True)
    # What changed because of the decision: a signal the manufacturer answered, or our own way of working.
    decision_signal = models.ForeignKey("governance.Signal", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="decisions", verbose_name=_("signal answered"))
    decision_change = models.TextField(_("what we changed"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    stage_changed_at = models.DateTimeField(default=timezone.now)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogue topic")
        verbose_name_plural = _("dialogue topics")
        ordering = ["-stage_changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(subject__in=["product", "need", "way_of_working"]),
                                   name="topic_subject_valid"),
            models.CheckConstraint(condition=Q(stage__in=["exploring", "proposal", "decision", "follow_up"]),
                                   name="topic_stage_valid"),
            models.CheckConstraint(condition=~Q(subject="product") | Q(product__isnull=False),
                                   name="topic_product_named"),
            models.CheckConstraint(condition=~Q(subject="need") | ~Q(need_type=""), name="topic_need_named"),
            models.CheckConstraint(
                condition=Q(stage__in=["exploring", "proposal"]) | (~Q(decision="") & (
                    Q(decision_signal__isnull=False) | ~Q(decision_change=""))),
                name="topic_decision_links_change"),
        ]

    def __str__(self):
        return self.title

    @property
    def need_label(self) -> str:
        from klantbelang.core.needs import NeedType

        return str(NeedType(self.need_type).label) if self.need_type in NeedType.values else self.need_type

    @property
    def next_stage(self) -> str | None:
        order = list(self.Stage.values)
        index = order.index(self.stage)
        return order[index + 1] if index + 1 < len(order) else None


class Participant(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    # Clients appear as "Client 1", "Client 2" in the order they joined, unless they chose to show their name.
    client_number = models.PositiveIntegerField(null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="participant_once"),
            models.UniqueConstraint(fields=["topic", "client_number"], name="participant_pseudonym_unique"),
            models.CheckConstraint(condition=Q(party__in=["client", "adviser", "product_developer", "management"]),
                                   name="participant_party_valid"),
            models.CheckConstraint(condition=Q(party="client", client_number__isnull=False) | (
                ~Q(party="client") & Q(client_number__isnull=True)), name="participant_client_has_pseudonym"),
        ]

    def __str__(self):
        return f"{self.topic_id}: {self.user_id} ({self.party})"


class ContributionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(topic__in=Topic.objects.visible_to(user))


class Contribution(models.Model):
    class Kind(models.TextChoices):
        OBSERVATION = "observation", _("Observation")
        NEED = "need", _("Need")
        IDEA = "idea", _("Idea")
        EXPERIMENT = "experiment", _("Experiment proposal")
        RESULT = "result", _("Result")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="contributions")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="contributions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("contribution"))
    created_at = models.DateTimeField(default=timezone.now)
    # Moderation by the firm hides a contribution (with the reason shown in its place); it is never rewritten.
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["observation", "need", "idea", "experiment", "result"]),
                                   name="contribution_kind_valid"),
            models.CheckConstraint(condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                                   name="contribution_hidden_has_reason"),
        ]

    def __str__(self):
        return f"{self.topic_id}: {self.get_kind_display()}"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """One's own notifications, about topics one may still see (a client may have opted out)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user, topic__in=Topic.objects.visible_to(user))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Tells a participant that a topic they take part in moved on."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("New contribution")
        STAGE = "stage", _("Next stage")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.user_id}: {self.topic_id} {self.kind}"
