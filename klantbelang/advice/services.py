"""The advice file: from intake to released advice, as a team, with four-eyes review."""

import datetime
import re
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from klantbelang.accounts.models import Expertise, User
from klantbelang.clients.models import Client
from klantbelang.clients.profile_data import to_match_profile
from klantbelang.core.audit import record_audit
from klantbelang.core.errors import Conflict, InvalidTransition
from klantbelang.matching.batch import match_one
from klantbelang.matching.engine import evaluate
from klantbelang.matching.profile import parse_profile
from klantbelang.matching.shelf import catalogue_for
from klantbelang.relationships.services import confirmed_agreement, has_confirmed_agreement

from .models import (
    TRANSITIONS,
    AdviceCase,
    AdviceVersion,
    CaseNote,
    CaseTask,
    Phase,
    Recommendation,
    ReportResponse,
    Review,
    ReviewPolicy,
    StatusChange,
    TimeEntry,
)
from .permissions import can_open_case, can_review, can_work_on_case

CHECKLIST = (
    ("needs_complete", "De inventarisatie is volledig voor de domeinen van het advies.",
     "The inventory is complete for the advice's domains."),
    ("rationale_per_need", "Elke behoefte heeft een advies met een eigen onderbouwing.",
     "Every need has an advice with its own rationale."),
    ("alternatives", "Alternatieven zijn overwogen en gedocumenteerd.", "Alternatives were considered and documented."),
    ("costs", "Kosten zijn per advies en over de looptijd vermeld.", "Costs are stated per advice and over the term."),
    ("deviations_justified", "Afwijkingen van de doelgroep of de selectie zijn onderbouwd.",
     "Deviations from the target market or the engine are justified."),
    ("report_understandable", "Het rapport is begrijpelijk voor deze klant.",
     "The report is understandable for this client."),
)
EDITABLE_PHASES = {Phase.ANALYSIS, Phase.ADVICE}
ESTIMATED_HOURS_PER_DOMAIN = 4


def check_version(case: AdviceCase, based_on: int | None) -> None:
    if based_on is not None and based_on != case.edit_version:
        raise Conflict(_("Someone else changed this case in the meantime; reload to see it."))


def _touch(case: AdviceCase) -> None:
    AdviceCase.objects.filter(pk=case.pk).update(edit_version=case.edit_version + 1)
    case.edit_version += 1


@transaction.atomic
def open_case(*, client: Client, by, domains: list[str], reason: str, title: str = "",
              lead: User | None = None) -> AdviceCase:
    if not can_open_case(user=by) or not Client.objects.visible_to(by).filter(pk=client.pk).exists():
        raise PermissionDenied
    if client.erased_at is not None:
        raise ValidationError(_("This client's data was erased; no new advice file can be opened."))
    if not domains:
        raise ValidationError({"domains": _("Choose at least one advice domain.")})
    case = AdviceCase.objects.create(
        firm=client.firm, client=client, domains=sorted(set(domains)), reason=reason, profile=client.current_profile,
        lead=lead or by, title=title or _("Advice for %(client)s") % {"client": client.name})
    StatusChange.objects.create(case=case, from_status="", to_status=Phase.INTAKE, by=by)
    record_audit(actor=by, action="case.opened", obj=case, firm=case.firm,
                 changes={"domains": {"before": None, "after": case.domains}})
    return case


def suggest_specialists(*, case: AdviceCase) -> list[tuple[User, str]]:
    """Advisers with expertise in the case's domains, most matching domains first, then fewest
    open cases; each with the reason, so the lead can judge the suggestion."""
    experts: dict[int, set] = {}
    for expertise in Expertise.objects.filter(user__memberships__firm=case.firm, user__memberships__role="adviser",
                                              domain__in=case.domains).exclude(user=case.lead).distinct():
        experts.setdefault(expertise.user_id, set()).add(expertise.domain)
    users = {user.pk: user for user in User.objects.filter(pk__in=experts)}
    workload = dict.fromkeys(experts, 0) | dict(
        AdviceCase.objects.open().filter(lead_id__in=experts).values("lead_id").annotate(count=Count("pk"))
        .values_list("lead_id", "count"))
    ranked = sorted(experts, key=lambda user_id: (-len(experts[user_id]), workload[user_id], users[user_id].full_name))
    return [(users[user_id], _("expertise in %(domains)s; %(count)s open case(s)")
             % {"domains": ", ".join(sorted(experts[user_id])), "count": workload[user_id]}) for user_id in ranked]


@transaction.atomic
def set_specialists(*, case: AdviceCase, by, specialists: list[User]) -> None:
    if not can_work_on_case(user=by, case=case):
        raise PermissionDenied
    if any(user.firm != case.firm for user in specialists):
        raise ValidationError({"specialists": _("Specialists must work in this firm.")})
    before = sorted(case.specialists.values_list("pk", flat=True))
    case.specialists.set(specialists)
    record_audit(actor=by, action="case.team_changed", obj=case, firm=case.firm,
                 changes={"specialists": {"before": before, "after": sorted(user.pk for user in specialists)}})


@transaction.atomic
def transition(*, case: AdviceCase, by, to: str, based_on: int | None = None) -> AdviceCase:
    """Move the case to another phase by the transition map, through the gates: analysis needs a
    complete inventory for the case's domains and a service agreement confirmed by both sides.
    Review and release have their own services (submit_for_review, release)."""
    case = AdviceCase.objects.select_for_update().get(pk=case.pk)
    if not can_work_on_case(user=by, case=case):
        raise PermissionDenied
    check_version(case, based_on)
    if to not in TRANSITIONS[case.status] or to in {Phase.REVIEW, Phase.RELEASED}:
        raise InvalidTransition(_("A case cannot go from %(from)s to %(to)s here.")
                                % {"from": Phase(case.status).label, "to": Phase(to).label if to in Phase.values
                                   else to})
    if to == Phase.ANALYSIS:
        profile = case.client.current_profile
        missing = [domain for domain in case.domains if profile.missing_for(domain)]
        if missing:
            raise InvalidTransition(_("Information is still missing for: %(domains)s.")
                                    % {"domains": ", ".join(missing)})
        not_agreed = [domain for domain in case.domains if not has_confirmed_agreement(client=case.client,
                                                                                        domain=domain)]
        if not_agreed:
            raise InvalidTransition(_("There is no confirmed service agreement for: %(domains)s.")
                                    % {"domains": ", ".join(not_agreed)})
        case.profile = profile  # the analysis is based on the profile as it is now
    _move(case, by, to)
    return case


def _move(case: AdviceCase, by, to: str) -> None:
    before = case.status
    case.status = to
    case.edit_version += 1
    case.save(update_fields=["status", "profile", "edit_version", "needs_review", "sampling", "sampling_draw"])
    StatusChange.objects.create(case=case, from_status=before, to_status=to, by=by)
    record_audit(actor=by, action="case.moved", obj=case, firm=case.firm,
                 changes={"status": {"before": before, "after": to}})


def needs_in_scope(case: AdviceCase) -> list[dict]:
    return [need for need in case.profile.needs if need["domain"] in case.domains]


def _match_profile(case: AdviceCase, need_type: str):
    return parse_profile(to_match_profile(case.profile.data, need_type=need_type, today=timezone.localdate()))


@transaction.atomic
def save_recommendation(*, case: AdviceCase, by, need_type: str, rationale: str, product=None,
                        no_product: bool = False, disadvantages: str = "", one_off_cost=0, yearly_cost=0,
                        horizon_years: int = 1, replacement_note: str = "", deviation_reason: str = "",
                        sustainability_adaptation: str = "", based_on: int | None = None) -> Recommendation:
    """The advice for one need. The engine's verdicts and its top five at this moment are stored
    with it; a product the engine does not find eligible needs a deviation reason, and then the
    case is flagged for review."""
    case = AdviceCase.objects.select_for_update().get(pk=case.pk)
    if not can_work_on_case(user=by, case=case):
        raise PermissionDenied
    check_version(case, based_on)
    if case.status not in EDITABLE_PHASES:
        raise InvalidTransition(_("Recommendations can only be changed in analysis or advice."))
    if need_type not in {need["type"] for need in needs_in_scope(case)}:
        raise ValidationError({"need_type": _("This need is not in the scope of the case.")})
    if not rationale.strip():
        raise ValidationError({"rationale": _("Explain why this is the advice.")})
    if (product is None) != bool(no_product):
        raise ValidationError({"product": _("Choose a product, or advise no product.")})
    if product is not None and product.firm_id != case.firm_id:
        raise ValidationError({"product": _("That product is not on this firm's shelf.")})
    profile = _match_profile(case, need_type)
    alternatives = [{"code": entry["code"], "name": entry["name"], "score": entry["score"],
                     "eligible": entry["eligible"]}
                    for entry in match_one(profile, catalogue_for(firm=case.firm))[:5]]
    verdicts, reasons, eligible = {}, [], True
    if product is not None:
        result = evaluate(profile, product.to_profile())
        verdicts, reasons, eligible = result.verdicts, result.reasons, result.eligible
        if not eligible and not deviation_reason.strip():
            raise ValidationError({"deviation_reason": _(
                "The engine finds this product outside the client's target market: record why you deviate.")})
    recommendation, _created = Recommendation.objects.update_or_create(case=case, need_type=need_type, defaults={
        "product": product, "no_product": bool(no_product), "rationale": rationale, "alternatives": alternatives,
        "verdicts": verdicts, "reasons": reasons, "eligible": eligible, "disadvantages": disadvantages,
        "one_off_cost": Decimal(one_off_cost or 0), "yearly_cost": Decimal(yearly_cost or 0),
        "horizon_years": horizon_years or 1, "replacement_note": replacement_note,
        "deviation_reason": deviation_reason if not eligible else "",
        "sustainability_adaptation": sustainability_adaptation, "updated_at": timezone.now()})
    if not eligible:
        case.needs_review = True
        case.save(update_fields=["needs_review"])
    _touch(case)
    record_audit(actor=by, action="recommendation.saved", obj=case, firm=case.firm, changes={
        need_type: {"before": None, "after": product.code if product else "no_product"}})
    return recommendation


def _sampling(case: AdviceCase) -> tuple[str, int | None]:
    """Whether the case is reviewed, and the draw that decided it (None when no draw was needed).

    The draw is secret and fresh at every submission: a draw that followed from the case (its id,
    say) would let an adviser open throw-away cases until the one to release is sampled out."""
    policy = ReviewPolicy.objects.get_or_create(firm=case.firm)[0]
    released = AdviceCase.objects.filter(lead=case.lead, status__in=[Phase.RELEASED, Phase.IMPLEMENTED,
                                                                     Phase.AFTERCARE]).count()
    if case.needs_review or released < policy.first_cases_of_new_adviser:
        return AdviceCase.Sampling.REQUIRED, None
    draw = secrets.randbelow(100)
    required = draw < policy.sample_percentage
    return (AdviceCase.Sampling.REQUIRED if required else AdviceCase.Sampling.SAMPLED_OUT), draw


@transaction.atomic
def submit_for_review(*, case: AdviceCase, by, based_on: int | None = None) -> AdviceCase:
    case = AdviceCase.objects.select_for_update().get(pk=case.pk)
    if not can_work_on_case(user=by, case=case):
        raise PermissionDenied
    check_version(case, based_on)
    if case.status != Phase.ADVICE:
        raise InvalidTransition
    missing = {need["type"] for need in needs_in_scope(case)} - set(case.recommendations.values_list("need_type",
                                                                                                  flat=True))
    if missing:
        raise InvalidTransition(_("Give an advice for every need first: %(needs)s.") % {"needs": ", ".join(
            sorted(missing))})
    case.sampling, case.sampling_draw = _sampling(case)
    _move(case, by, Phase.REVIEW)
    record_audit(actor=by, action="case.sampled", obj=case, firm=case.firm,
                 changes={"sampling": {"before": None, "after": case.sampling},
                          "draw": {"before": None, "after": case.sampling_draw}})
    return case


@transaction.atomic
def review_case(*, case: AdviceCase, by, outcome: str, checklist: dict) -> Review:
    """Four-eyes: approve, or request changes with a comment per checklist item that fails."""
    case = AdviceCase.objects.select_for_update().get(pk=case.pk)
    if not can_review(user=by, case=case):
        raise PermissionDenied
    if case.status != Phase.REVIEW:
        raise InvalidTransition
    items = {key: {"ok": bool((checklist.get(key) or {}).get("ok")),
                   "comment": str((checklist.get(key) or {}).get("comment") or "")[:2000]}
             for key, _nl, _en in CHECKLIST}
    if outcome == Review.Outcome.APPROVED and not all(item["ok"] for item in items.values()):
        raise ValidationError({"checklist": _("Every checklist item must be met to approve.")})
    if outcome == Review.Outcome.CHANGES_REQUESTED and not any(item["comment"] for item in items.values()):
        raise ValidationError({"checklist": _("Say what must change.")})
    submission = case.status_changes.filter(to_status=Phase.REVIEW).latest("at")
    editors = case.editor_ids()
    review = Review.objects.create(case=case, reviewer=by, author_id=submission.by_id or case.lead_id,
                                   outcome=outcome, checklist=items, submitted_at=submission.at)
    review.editors.set(editors)
    record_audit(actor=by, action=f"case.review_{outcome}", obj=case, firm=case.firm)
    if outcome == Review.Outcome.CHANGES_REQUESTED:
        _move(case, by, Phase.ADVICE)
    return review


def snapshot(case: AdviceCase) -> dict:
    """Everything the report shows, as it is at release."""
    profile = case.profile
    client = case.client
    recommendations = []
    for item in case.recommendations.select_related("product__provider"):
        recommendations.append({
            "need_type": item.need_type, "no_product": item.no_product,
            "product": None if item.product is None else {
                "code": item.product.code, "name": item.product.name, "provider": item.product.provider.name,
                "category": item.product.category, "sri": item.product.sri},
            "rationale": item.rationale, "alternatives": item.alternatives, "verdicts": item.verdicts,
            "reasons": item.reasons, "eligible": item.eligible, "disadvantages": item.disadvantages,
            "one_off_cost": str(item.one_off_cost), "yearly_cost": str(item.yearly_cost),
            "horizon_years": item.horizon_years, "total_cost": str(item.total_cost),
            "replacement_note": item.replacement_note, "deviation_reason": item.deviation_reason,
            "sustainability_adaptation": item.sustainability_adaptation})
    review = case.reviews.filter(outcome=Review.Outcome.APPROVED).last()
    return {
        "client": {"name": client.name, "reference": client.reference,
                   "persons": [f"{person.first_name} {person.last_name}" for person in client.persons.all()]},
        "firm": case.firm.name, "title": case.title, "domains": case.domains,
        "profile_version": profile.version, "objectives": profile.data.get("objectives", []),
        "own_words": profile.data.get("own_words", ""),
        "needs": needs_in_scope(case), "sustainability": profile.data.get("sustainability", {}),
        "derived": profile.derived, "recommendations": recommendations,
        "review": None if review is None else {"reviewer": str(review.reviewer), "at": review.created_at.isoformat()},
        "sampling": case.sampling, "fee": fee_statement(case),
    }


@transaction.atomic
def release(*, case: AdviceCase, by, amendment_reason: str = "") -> AdviceVersion:
    """Freeze the case as an AdviceVersion. Allowed after an approval since the last submission,
    or when the case was not in the review sample (that decision is part of the record)."""
    case = AdviceCase.objects.select_for_update().get(pk=case.pk)
    if not can_work_on_case(user=by, case=case):
        raise PermissionDenied
    if case.status != Phase.REVIEW:
        raise InvalidTransition
    submitted = case.status_changes.filter(to_status=Phase.REVIEW).latest("at").at
    approved = case.reviews.filter(outcome=Review.Outcome.APPROVED, created_at__gte=submitted).exists()
    if not approved and case.sampling != AdviceCase.Sampling.SAMPLED_OUT:
        raise InvalidTransition(_("This case needs an approving four-eyes review before release."))
    number = (case.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if number > 1 and not amendment_reason.strip():
        raise ValidationError({"amendment_reason": _("Say why the released advice is amended.")})
    version = AdviceVersion.objects.create(case=case, number=number, snapshot=snapshot(case),
                                           amendment_reason=amendment_reason, released_by=by)
    _move(case, by, Phase.RELEASED)
    record_audit(actor=by, action="case.released", obj=case, firm=case.firm,
                 changes={"version": {"before": None, "after": number}})
    return version


@transaction.atomic
def respond_to_report(*, version: AdviceVersion, by, kind: str, text: str = "") -> ReportResponse:
    client = version.case.client
    if not (by.is_authenticated and client.portal_user_id == by.pk):
        raise PermissionDenied
    if kind == ReportResponse.Kind.QUESTION and not text.strip():
        raise ValidationError({"text": _("Write your question.")})
    accepted = InvalidTransition(_("You have already accepted this advice."))
    if kind == ReportResponse.Kind.ACCEPTED and version.responses.filter(kind=kind).exists():
        raise accepted
    try:
        with transaction.atomic():
            response = ReportResponse.objects.create(version=version, by=by, kind=kind, text=text[:5000])
    except IntegrityError:  # a simultaneous acceptance got there first (reportresponse_one_acceptance)
        raise accepted from None
    record_audit(actor=by, action=f"report.{kind}", obj=version.case, firm=version.case.firm,
                 changes={"version": {"before": None, "after": version.number}})
    return response


@transaction.atomic
def add_note(*, case: AdviceCase, by, text: str) -> CaseNote:
    """A note on the case; "@name@example.nl" mentions a colleague (who is e-mailed)."""
    if not can_work_on_case(user=by, case=case) and not can_review(user=by, case=case):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Write a note.")})
    note = CaseNote.objects.create(case=case, author=by, text=text[:10000])
    emails = set(re.findall(r"@([\w.+-]+@[\w-]+\.[\w.]+)", text))
    mentioned = list(User.objects.filter(email__in=emails, memberships__firm=case.firm).distinct())
    note.mentions.set(mentioned)
    if mentioned:
        from .tasks import notify_mentions

        transaction.on_commit(lambda: notify_mentions.enqueue(note_id=note.pk))
    record_audit(actor=by, action="case.note_added", obj=case, firm=case.firm)
    return note


@transaction.atomic
def add_task(*, case: AdviceCase, by, title: str, due_on: datetime.date, assignee: User) -> CaseTask:
    if not can_work_on_case(user=by, case=case):
        raise PermissionDenied
    if assignee.firm != case.firm or not assignee.is_staff_member:
        raise ValidationError({"assignee": _("Assign the task to someone who works in this firm.")})
    task = CaseTask.objects.create(case=case, title=title, due_on=due_on, assignee=assignee)
    record_audit(actor=by, action="case.task_added", obj=case, firm=case.firm)
    return task


@transaction.atomic
def log_time(*, case: AdviceCase, by, activity: str, minutes: int, on: datetime.date) -> TimeEntry:
    if not can_work_on_case(user=by, case=case) and not can_review(user=by, case=case):
        raise PermissionDenied
    if not 0 < minutes <= 24 * 60:
        raise ValidationError({"minutes": _("Between 1 minute and 24 hours.")})
    entry = TimeEntry.objects.create(case=case, user=by, activity=activity, minutes=minutes, on=on)
    record_audit(actor=by, action="case.time_logged", obj=case, firm=case.firm,
                 changes={"minutes": {"before": None, "after": minutes}})
    return entry


def fee_statement(case: AdviceCase) -> dict:
    """The fee by the client's agreement: estimated beforehand, actual from the time registered.
    No commission is part of it."""
    agreement = confirmed_agreement(case.client)
    minutes = sum(case.time_entries.values_list("minutes", flat=True))
    hours = Decimal(minutes) / 60
    if agreement is None:
        return {"model": None, "hours": str(hours.quantize(Decimal("0.01"))), "estimated": None, "actual": None}
    amount = agreement.fee_amount
    if agreement.fee_model == "hourly":
        estimated = amount * ESTIMATED_HOURS_PER_DOMAIN * len(case.domains)
        actual = (amount * hours).quantize(Decimal("0.01"))
    elif agreement.fee_model == "subscription":
        estimated = actual = amount * 12
    else:
        estimated = actual = amount
    return {"model": agreement.fee_model, "hours": str(hours.quantize(Decimal("0.01"))),
            "estimated": str(estimated), "actual": str(actual)}

