"""The pipeline's rules: every change to a prospect goes through here and leaves an audit event."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from klantbelang.accounts.models import Expertise, User
from klantbelang.clients.services import create_client
from klantbelang.core.audit import diff, field_values, record_audit
from klantbelang.core.errors import Conflict, InvalidTransition
from klantbelang.core.needs import NEED_DOMAINS, NeedType
from klantbelang.core.roles import Role

from .features import FEATURE_FIELDS
from .models import (
    MOVES,
    OPEN_KINDS,
    AdviserCapacity,
    Campaign,
    LostReason,
    Prospect,
    ProspectTime,
    RelationshipCheck,
    ServiceScope,
    Source,
    Stage,
    StageChange,
    StageKind,
)
from .permissions import can_edit_prospect, can_manage_marketing, can_move_to, can_set_scope, can_work_pipeline
from .qualification import relationship_concerns, scope_fit
from .tasks import score_prospect

DEFAULT_STAGES = (
    (StageKind.NEW, "Nieuw", "New"),
    (StageKind.QUALIFYING, "Kwalificeren", "Qualifying"),
    (StageKind.INTRODUCTION, "Kennismaking", "Introduction"),
    (StageKind.AGREEMENT, "Afspraken over de relatie", "Agreeing the relationship"),
    (StageKind.WON, "Klant geworden", "Became a client"),
    (StageKind.LOST, "Afgevallen", "Lost"),
)
DEFAULT_LOST_REASONS = (
    ("outside_scope", "Buiten onze dienstverlening", "Outside our service scope"),
    ("no_need", "Geen echte behoefte", "No real need"),
    ("not_ready", "Niet klaar voor een langdurige relatie", "Not ready for a long-term relationship"),
    ("unreachable", "Onbereikbaar", "Unreachable"),
    ("other_adviser", "Koos een andere adviseur", "Chose another adviser"),
    ("price", "Prijs", "Price"),
)
EDITABLE_FIELDS = ["first_name", "last_name", "kind", "email", "phone", "birth_year", "household_size", "audience",
                   "country", "assets", "stated_needs", "own_words", "source", "campaign", "contact_consent"]


@transaction.atomic
def ensure_pipeline(firm) -> ServiceScope:
    """The default stages, lost reasons and scope a firm starts with (idempotent); returns the scope."""
    if not Stage.objects.filter(firm=firm).exists():
        Stage.objects.bulk_create([Stage(firm=firm, kind=kind, name_nl=nl, name_en=en, position=index)
                                   for index, (kind, nl, en) in enumerate(DEFAULT_STAGES)])
    if not LostReason.objects.filter(firm=firm).exists():
        LostReason.objects.bulk_create([LostReason(firm=firm, code=code, label_nl=nl, label_en=en, position=index)
                                        for index, (code, nl, en) in enumerate(DEFAULT_LOST_REASONS)])
    return ServiceScope.objects.get_or_create(firm=firm, defaults={
        "needs": list(NeedType.values), "audiences": ["private", "self_employed", "business_owner", "retired"],
        "countries": ["NL", "BE"]})[0]


def first_stage(firm, kind: str) -> Stage:
    ensure_pipeline(firm)
    return Stage.objects.filter(firm=firm, kind=kind).order_by("position", "pk").first()


def _check_version(prospect: Prospect, based_on: int | None) -> None:
    if based_on is not None and based_on != prospect.edit_version:
        raise Conflict(_("Someone else changed this prospect in the meantime; reload to see it."))


def _validate(firm, fields: dict) -> None:
    errors = {}
    source, campaign = fields.get("source"), fields.get("campaign")
    if source is not None and source.firm_id != firm.pk:
        errors["source"] = _("Choose a source of this firm.")
    if campaign is not None and (campaign.firm_id != firm.pk or (source is not None and
                                                                  campaign.source_id != source.pk)):
        errors["campaign"] = _("Choose a campaign of the chosen source.")
    unknown = [need for need in fields.get("stated_needs", []) if need not in NeedType.values]
    if unknown:
        errors["stated_needs"] = _("Unknown needs: %(needs)s.") % {"needs": ", ".join(unknown)}
    birth_year = fields.get("birth_year")
    if birth_year is not None and not 1900 <= birth_year <= timezone.localdate().year:
        errors["birth_year"] = _("Give a year between 1900 and this year.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_prospect(*, firm, by, fields: dict, now: datetime.datetime | None = None) -> Prospect:
    if by is not None and not (can_work_pipeline(user=by) and by.firm == firm):
        raise PermissionDenied
    _validate(firm, fields)
    now = now or timezone.now()
    stage = first_stage(firm, StageKind.NEW)
    prospect = Prospect(firm=firm, owner=fields.pop("owner", None) or by, stage=stage, stage_entered_at=now,
                        created_at=now, **fields)
    if prospect.contact_consent:
        prospect.contact_consent_at = now
    prospect.save()
    StageChange.objects.create(firm=firm, prospect=prospect, to_stage=stage, by=by, at=now)
    record_audit(actor=by, action="prospect.created", obj=prospect,
                 changes=diff({}, field_values(prospect, ["first_name", "last_name", "source", "stage"])))
    if by is not None:  # a person entered it; imports and demo data are scored in one batch afterwards
        _score_after_commit(prospect)
    return prospect


def _score_after_commit(prospect: Prospect) -> None:
    transaction.on_commit(lambda: score_prospect.enqueue(prospect_id=prospect.pk))


@transaction.atomic
def update_prospect(*, prospect: Prospect, by, fields: dict, based_on_version: int | None = None) -> Prospect:
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    if not can_edit_prospect(user=by, prospect=prospect):
        raise PermissionDenied
    _check_version(prospect, based_on_version)
    merged = {name: fields.get(name, getattr(prospect, name)) for name in ("source", "campaign")}
    _validate(prospect.firm, {**fields, **merged})
    names = [name for name in EDITABLE_FIELDS if name in fields]
    before = field_values(prospect, names)
    for name in names:
        setattr(prospect, name, fields[name])
    if "contact_consent" in fields and fields["contact_consent"] and prospect.contact_consent_at is None:
        prospect.contact_consent_at = timezone.now()
    if "contact_consent" in fields and not fields["contact_consent"]:
        prospect.contact_consent_at = None
    changes = diff(before, field_values(prospect, names))
    if changes:
        prospect.edit_version += 1
        prospect.save()
        record_audit(actor=by, action="prospect.updated", obj=prospect, changes=changes)
        if FEATURE_FIELDS & set(changes):
            _score_after_commit(prospect)
    return prospect


# Stages a prospect outside the service scope reaches only with a manager's recorded exception.
PAST_QUALIFICATION = (StageKind.INTRODUCTION, StageKind.AGREEMENT, StageKind.WON)


@transaction.atomic
def record_fit_exception(*, prospect: Prospect, by, reason: str) -> Prospect:
    """A manager (or administrator) decides to take on a prospect outside the firm's service scope,
    and says why; an empty reason withdraws the exception."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    if not (can_edit_prospect(user=by, prospect=prospect) and by.has_any_role({Role.MANAGER, Role.ADMIN})):
        raise PermissionDenied
    reason = reason.strip()[:500]
    before = field_values(prospect, ["fit_exception"])
    prospect.fit_exception = reason
    prospect.fit_exception_by = by if reason else None
    prospect.fit_exception_at = timezone.now() if reason else None
    prospect.edit_version += 1
    prospect.save()
    record_audit(actor=by, action="prospect.fit_exception", obj=prospect,
                 changes=diff(before, field_values(prospect, ["fit_exception"])))
    return prospect


@transaction.atomic
def move(*, prospect: Prospect, to: Stage, by, lost_reason: LostReason | None = None, note: str = "",
         based_on_version: int | None = None, now: datetime.datetime | None = None) -> Prospect:
    """Move a prospect to another stage, by the rules of the stages' kinds."""
    prospect = Prospect.objects.select_for_update().select_related("stage", "firm").get(pk=prospect.pk)
    if by is not None and not (can_edit_prospect(user=by, prospect=prospect) and can_move_to(user=by, kind=to.kind)):
        raise PermissionDenied
    _check_version(prospect, based_on_version)
    if to.firm_id != prospect.firm_id:
        raise ValidationError({"stage": _("Choose a stage of this firm.")})
    if to.pk == prospect.stage_id:
        return prospect
    if to.kind != prospect.stage.kind and to.kind not in MOVES[prospect.stage.kind]:
        raise InvalidTransition(_("A prospect cannot go from “%(from)s” to “%(to)s”.") % {
            "from": prospect.stage.name, "to": to.name})
    if to.kind == StageKind.LOST:
        if lost_reason is None:
            raise ValidationError({"lost_reason": _("Say why the prospect was lost.")})
        if lost_reason.firm_id != prospect.firm_id or not lost_reason.active:
            raise ValidationError({"lost_reason": _("Choose one of the firm's lost reasons.")})
    if to.kind in PAST_QUALIFICATION and not prospect.fit_exception:
        fit = scope_fit(needs=prospect.stated_needs, audience=prospect.audience, country=prospect.country,
                        scope=ServiceScope.objects.filter(firm=prospect.firm).first())
        if fit.status == "out":
            raise InvalidTransition(_("Outside our service scope: %(reasons)s A manager can record an exception "
                                      "on the prospect's page.") % {"reasons": " ".join(str(reason)
                                                                                       for reason in fit.reasons)})
    if to.kind in (StageKind.AGREEMENT, StageKind.WON):
        check = RelationshipCheck.objects.filter(prospect=prospect).first()
        if check is None:
            raise InvalidTransition(_("First do the relationship check: both sides decide whether they want a "
                                      "long-term relationship before any agreement."))
        if not check.mutual:
            raise InvalidTransition(_("The relationship check did not show that both sides want a long-term "
                                      "relationship."))
    if to.kind == StageKind.WON and prospect.adviser_id is None:
        raise InvalidTransition(_("Assign an adviser before the prospect becomes a client."))
    now = now or timezone.now()
    before = field_values(prospect, ["stage", "lost_reason", "won_on"])
    StageChange.objects.create(firm=prospect.firm, prospect=prospect, from_stage=prospect.stage, to_stage=to, by=by,
                               at=now, note=note[:500],
                               seconds_in_previous=max(0, int((now - prospect.stage_entered_at).total_seconds())))
    prospect.stage, prospect.stage_entered_at = to, now
    prospect.lost_reason = lost_reason if to.kind == StageKind.LOST else None
    prospect.lost_note = note[:500] if to.kind == StageKind.LOST else ""
    if to.kind == StageKind.WON:
        prospect.won_on = timezone.localdate(now)
        prospect.client = _become_client(prospect, by=by, today=prospect.won_on)
    prospect.edit_version += 1
    prospect.save()
    record_audit(actor=by, action="prospect.moved", obj=prospect,
                 changes=diff(before, field_values(prospect, ["stage", "lost_reason", "won_on"])))
    return prospect


def _become_client(prospect: Prospect, *, by, today: datetime.date):
    persons = [{"role": "client", "first_name": prospect.first_name, "last_name": prospect.last_name,
                "email": prospect.email, "phone": prospect.phone}]
    client = create_client(firm=prospect.firm, by=None, name=_("Household %(name)s") % {"name": prospect.last_name},
                           responsible_adviser=prospect.adviser, persons=persons, today=today)
    record_audit(actor=by, action="prospect.became_client", obj=client,
                 changes={"prospect": {"before": None, "after": prospect.pk}})
    return client


@transaction.atomic
def record_check(*, prospect: Prospect, by, answers: dict, based_on_version: int | None = None) -> RelationshipCheck:
    """Record (or record again) both sides' answers; the outcome follows from them."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    if not can_edit_prospect(user=by, prospect=prospect) or not by.has_any_role({Role.ADVISER, Role.MANAGER}):
        raise PermissionDenied
    _check_version(prospect, based_on_version)
    fields = {name: answers[name] for name in ("contact", "shares_information", "accepts_fee", "horizon",
                                               "firm_can_meet", "firm_wants")}
    mutual = not relationship_concerns(**fields)
    existing = RelationshipCheck.objects.filter(prospect=prospect).first()
    before = field_values(existing, [*fields, "mutual"]) if existing else {}
    check, _created = RelationshipCheck.objects.update_or_create(prospect=prospect, defaults={
        **fields, "firm": prospect.firm, "firm_note": answers.get("firm_note", "")[:1000], "mutual": mutual,
        "recorded_by": by, "recorded_at": timezone.now()})
    prospect.edit_version += 1
    prospect.save(update_fields=["edit_version"])
    record_audit(actor=by, action="prospect.relationship_checked", obj=prospect,
                 changes=diff(before, field_values(check, [*fields, "mutual"])))
    return check


@transaction.atomic
def log_time(*, prospect: Prospect, by, activity: str, minutes: int, on: datetime.date, note: str = "") -> ProspectTime:
    if not can_edit_prospect(user=by, prospect=prospect):
        raise PermissionDenied
    errors = {}
    if not 1 <= minutes <= 720:
        errors["minutes"] = _("Give between 1 and 720 minutes.")
    if on > timezone.localdate() or on < prospect.created_at.date() - datetime.timedelta(days=1):
        errors["on"] = _("The date must lie between the prospect's arrival and today.")
    if errors:
        raise ValidationError(errors)
    entry = ProspectTime.objects.create(firm=prospect.firm, prospect=prospect, user=by, activity=activity,
                                        minutes=minutes, on=on, note=note[:300])
    record_audit(actor=by, action="prospect.time_logged", obj=prospect,
                 changes={"minutes": {"before": None, "after": minutes},
                          "activity": {"before": None, "after": activity}})
    return entry


def _domains(prospect: Prospect) -> set[str]:
    return {str(NEED_DOMAINS[need]) for need in prospect.stated_needs if need in NEED_DOMAINS}


def assignment_candidates(prospect: Prospect) -> list[dict]:
    """Every adviser of the firm with whether they fit: expertise for all the prospect's domains,
    taking new prospects, and below capacity. Ordered as round-robin picks them: longest since
    their last assignment first, then fewest open prospects, then name."""
    firm = prospect.firm
    scope = ServiceScope.objects.filter(firm=firm).first()
    default_capacity = scope.default_capacity if scope else 12
    domains = _domains(prospect)
    advisers = list(User.objects.filter(memberships__firm=firm, memberships__role=Role.ADVISER, is_active=True)
                    .annotate(open_prospects=Count("assigned_prospects", filter=Q(
                        assigned_prospects__stage__kind__in=OPEN_KINDS), distinct=True))
                    .order_by("full_name", "pk"))
    expertise: dict[int, set[str]] = {}
    for user_id, domain in Expertise.objects.filter(user__in=advisers).values_list("user_id", "domain"):
        expertise.setdefault(user_id, set()).add(domain)
    capacities = {item.adviser_id: item for item in AdviserCapacity.objects.filter(firm=firm)}
    out = []
    for adviser in advisers:
        capacity = capacities.get(adviser.pk)
        limit = capacity.max_open if capacity and capacity.max_open is not None else default_capacity
        missing = sorted(domains - expertise.get(adviser.pk, set()))
        reasons = []
        if missing:
            reasons.append(_("no expertise in %(domains)s") % {"domains": ", ".join(missing)})
        if capacity and not capacity.accepting:
            reasons.append(_("takes no new prospects"))
        if adviser.open_prospects >= limit:
            reasons.append(_("full (%(open)s of %(limit)s open)") % {"open": adviser.open_prospects, "limit": limit})
        out.append({"adviser": adviser, "fits": not reasons, "reasons": reasons, "open": adviser.open_prospects,
                    "limit": limit, "last_assigned_at": capacity.last_assigned_at if capacity else None})
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    out.sort(key=lambda item: (not item["fits"], item["last_assigned_at"] or epoch, item["open"],
                               item["adviser"].full_name))
    return out


@transaction.atomic
def assign(*, prospect: Prospect, by, adviser: User | None = None, note: str = "") -> Prospect:
    """Assign an adviser: the one named, or round-robin among the advisers who fit, explained."""
    prospect = Prospect.objects.select_for_update().select_related("firm").get(pk=prospect.pk)
    if not can_edit_prospect(user=by, prospect=prospect):
        raise PermissionDenied
    candidates = assignment_candidates(prospect)
    fitting = [item for item in candidates if item["fits"]]
    if adviser is None:
        if not fitting:
            raise ValidationError({"adviser": _("No adviser fits: %(why)s.") % {"why": "; ".join(
                f"{item['adviser'].full_name}: {', '.join(item['reasons'])}" for item in candidates) or _("none")}})
        chosen = fitting[0]
        domains = ", ".join(sorted(_domains(prospect))) or _("no particular domain")
        explanation = _(
            "Round-robin among %(count)s of %(total)s advisers who fit (expertise in %(domains)s, room for more "
            "prospects); %(name)s had waited longest since their last assignment and has %(open)s of %(limit)s "
            "open prospects.") % {"count": len(fitting), "total": len(candidates), "domains": domains,
                                  "name": chosen["adviser"].full_name, "open": chosen["open"],
                                  "limit": chosen["limit"]}
        adviser = chosen["adviser"]
    else:
        if adviser.firm != prospect.firm or not adviser.has_role(Role.ADVISER):
            raise ValidationError({"adviser": _("Choose an adviser of this firm.")})
        explanation = _("Chosen by %(by)s.") % {"by": by.full_name}
        if note:
            explanation += " " + note[:400]
    before = field_values(prospect, ["adviser"])
    prospect.adviser, prospect.assignment_note = adviser, explanation
    prospect.edit_version += 1
    prospect.save(update_fields=["adviser", "assignment_note", "edit_version"])
    capacity, _created = AdviserCapacity.objects.get_or_create(adviser=adviser, defaults={"firm": prospect.firm})
    capacity.last_assigned_at = timezone.now()
    capacity.save(update_fields=["last_assigned_at"])
    record_audit(actor=by, action="prospect.assigned", obj=prospect,
                 changes={**diff(before, field_values(prospect, ["adviser"])),
                          "reason": {"before": None, "after": explanation}})
    return prospect


@transaction.atomic
def override_score(*, prospect: Prospect, by, score: float | None, reason: str = "") -> Prospect:
    """Set (or clear, with None) a score by hand; the computed score stays as it is, beside it."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    if not can_edit_prospect(user=by, prospect=prospect):
        raise PermissionDenied
    if score is not None and not 0 <= score <= 1:
        raise ValidationError({"score": _("A score is a probability between 0 and 1.")})
    if score is not None and not reason.strip():
        raise ValidationError({"reason": _("Say why you set the score by hand.")})
    before = field_values(prospect, ["override_score", "override_reason"])
    prospect.override_score = score
    prospect.override_reason = reason.strip()[:500] if score is not None else ""
    prospect.override_by = by if score is not None else None
    prospect.override_at = timezone.now() if score is not None else None
    prospect.edit_version += 1
    prospect.save()
    record_audit(actor=by, action="prospect.score_overridden", obj=prospect,
                 changes=diff(before, field_values(prospect, ["override_score", "override_reason"])))
    return prospect


@transaction.atomic
def record_end(*, prospect: Prospect, by, ended_on: datetime.date) -> Prospect:
    """The client of a won prospect left: the outcome the score learns from."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    if not can_edit_prospect(user=by, prospect=prospect):
        raise PermissionDenied
    if prospect.won_on is None:
        raise InvalidTransition(_("Only a prospect who became a client can end the relationship."))
    if not prospect.won_on <= ended_on <= timezone.localdate():
        raise ValidationError({"ended_on": _("The end lies between becoming a client and today.")})
    before = field_values(prospect, ["ended_on"])
    prospect.ended_on = ended_on
    prospect.edit_version += 1
    prospect.save(update_fields=["ended_on", "edit_version"])
    record_audit(actor=by, action="prospect.relationship_ended", obj=prospect,
                 changes=diff(before, field_values(prospect, ["ended_on"])))
    return prospect


# Marketing's lists ----------------------------------------------------------------------------

@transaction.atomic
def save_source(*, firm, by, fields: dict, source: Source | None = None) -> Source:
    if not (can_manage_marketing(user=by) and by.firm == firm):
        raise PermissionDenied
    if Source.objects.filter(firm=firm, name=fields["name"]).exclude(pk=getattr(source, "pk", None)).exists():
        raise ValidationError({"name": _("There is already a source with this name.")})
    source = source or Source(firm=firm)
    before = field_values(source, list(fields)) if source.pk else {}
    for name, value in fields.items():
        setattr(source, name, value)
    source.save()
    record_audit(actor=by, action="prospect_source.saved", obj=source, changes=diff(before, field_values(source,
                                                                                                          list(fields))))
    return source


@transaction.atomic
def save_campaign(*, firm, by, fields: dict, campaign: Campaign | None = None) -> Campaign:
    if not (can_manage_marketing(user=by) and by.firm == firm):
        raise PermissionDenied
    errors = {}
    if fields["source"].firm_id != firm.pk:
        errors["source"] = _("Choose a source of this firm.")
    if fields.get("ends_on") and fields["ends_on"] < fields["starts_on"]:
        errors["ends_on"] = _("A campaign ends after it starts.")
    if Campaign.objects.filter(firm=firm, name=fields["name"]).exclude(pk=getattr(campaign, "pk", None)).exists():
        errors["name"] = _("There is already a campaign with this name.")
    if errors:
        raise ValidationError(errors)
    campaign = campaign or Campaign(firm=firm)
    before = field_values(campaign, list(fields)) if campaign.pk else {}
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.save()
    record_audit(actor=by, action="campaign.saved", obj=campaign,
                 changes=diff(before, field_values(campaign, list(fields))))
    return campaign


# Firm settings for the pipeline -----------------------------------------------------------------

@transaction.atomic
def save_scope(*, firm, by, fields: dict) -> ServiceScope:
    if not (can_set_scope(user=by) and by.firm == firm):
        raise PermissionDenied
    ensure_pipeline(firm)
    scope = ServiceScope.objects.select_for_update().get(firm=firm)
    before = field_values(scope, list(fields))
    for name, value in fields.items():
        setattr(scope, name, value)
    scope.save()
    record_audit(actor=by, action="service_scope.saved", obj=scope, changes=diff(before, field_values(scope,
                                                                                                        list(fields))))
    return scope


@transaction.atomic
def save_capacity(*, firm, by, adviser: User, max_open: int | None, accepting: bool) -> AdviserCapacity:
    if not (can_set_scope(user=by) and by.firm == firm):
        raise PermissionDenied
    if adviser.firm != firm or not adviser.has_role(Role.ADVISER):
        raise ValidationError({"adviser": _("Choose an adviser of this firm.")})
    capacity, _created = AdviserCapacity.objects.get_or_create(adviser=adviser, defaults={"firm": firm})
    before = field_values(capacity, ["max_open", "accepting"])
    capacity.max_open, capacity.accepting = max_open, accepting
    capacity.save(update_fields=["max_open", "accepting"])
    record_audit(actor=by, action="adviser_capacity.saved", obj=capacity,
                 changes=diff(before, field_values(capacity, ["max_open", "accepting"])))
    return capacity


@transaction.atomic
def rename_stage(*, stage: Stage, by, name_nl: str, name_en: str) -> Stage:
    if not (can_manage_marketing(user=by) and by.firm.pk == stage.firm_id):
        raise PermissionDenied
    before = field_values(stage, ["name_nl", "name_en"])
    stage.name_nl, stage.name_en = name_nl.strip()[:80], name_en.strip()[:80]
    if not stage.name_nl or not stage.name_en:
        raise ValidationError({"name_nl": _("A stage needs a name in both languages.")})
    stage.save(update_fields=["name_nl", "name_en"])
    record_audit(actor=by, action="stage.renamed", obj=stage, changes=diff(before, field_values(stage, [
        "name_nl", "name_en"])))
    return stage


@transaction.atomic
def save_lost_reason(*, firm, by, fields: dict, reason: LostReason | None = None) -> LostReason:
    if not (can_manage_marketing(user=by) and by.firm == firm):
        raise PermissionDenied
    if LostReason.objects.filter(firm=firm, code=fields["code"]).exclude(pk=getattr(reason, "pk", None)).exists():
        raise ValidationError({"code": _("There is already a lost reason with this code.")})
    reason = reason or LostReason(firm=firm, position=LostReason.objects.filter(firm=firm).count())
    before = field_values(reason, list(fields)) if reason.pk else {}
    for name, value in fields.items():
        setattr(reason, name, value)
    reason.save()
    record_audit(actor=by, action="lost_reason.saved", obj=reason, changes=diff(before, field_values(reason,
                                                                                                       list(fields))))
    return reason
