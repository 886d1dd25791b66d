"""The relationship with a client: agreement first, then obligations, reviews, feedback."""

import calendar
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klantbelang.clients.models import Client
from klantbelang.clients.services import save_profile, source_for
from klantbelang.core.audit import record_audit
from klantbelang.core.errors import InvalidTransition

from .models import Complaint, FirmTerms, Obligation, PeriodicReview, ServiceAgreement, Survey
from .permissions import can_handle_complaints, can_manage_relationship, is_clients_portal_user

AGREEMENT_TERMS = ["domains", "service_kind", "basis", "panel", "fee_model", "fee_amount", "commission_disclosure",
                   "response_days", "review_cadence_months", "client_response_days"]


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def terms_for(firm) -> FirmTerms:
    return FirmTerms.objects.get_or_create(firm=firm, defaults={
        "intro_nl": "Wij adviseren vanuit uw belang. In dit document staat wat wij voor u doen, wat dat kost en "
                    "wat wij van elkaar verwachten.",
        "intro_en": "We advise in your interest. This document says what we do for you, what it costs and what "
                    "we expect of each other."})[0]


@transaction.atomic
def save_firm_terms(*, terms: FirmTerms, by, values: dict) -> FirmTerms:
    if not (by.has_role("admin") and by.firm == terms.firm):
        raise PermissionDenied
    before = {name: getattr(terms, name) for name in values}
    for name, value in values.items():
        setattr(terms, name, value)
    terms.save()
    record_audit(actor=by, action="firm_terms.changed", obj=terms.firm,
                 changes={name: {"before": before[name], "after": value} for name, value in values.items()
                          if before[name] != value})
    return terms


def confirmed_agreement(client: Client) -> ServiceAgreement | None:
    return client.agreements.filter(status=ServiceAgreement.Status.CONFIRMED).order_by("-version").first()


def has_confirmed_agreement(*, client: Client, domain: str | None = None) -> bool:
    """The gate before business: an advice case may not move beyond the inventory without a
    service agreement confirmed by both sides (covering the case's domain, when given)."""
    agreement = confirmed_agreement(client)
    return agreement is not None and (domain is None or domain in agreement.domains)


@transaction.atomic
def draft_agreement(*, client: Client, by, terms: dict) -> ServiceAgreement:
    """A new version of the agreement, in draft. Drafts not yet confirmed by the client are
    replaced; a confirmed agreement stays until the new one is confirmed."""
    if not can_manage_relationship(user=by, client=client):
        raise PermissionDenied
    if terms.get("basis") == ServiceAgreement.Basis.PANEL and not terms.get("panel"):
        raise ValidationError({"panel": _("Name the providers of the panel.")})
    if terms.get("fee_model") == ServiceAgreement.FeeModel.COMMISSION and not terms.get("commission_disclosure"):
        raise ValidationError({"commission_disclosure": _("Disclose the commission's amount.")})
    if not terms.get("domains"):
        raise ValidationError({"domains": _("Choose at least one advice domain.")})
    client = Client.objects.select_for_update().get(pk=client.pk)
    client.agreements.filter(status__in=[ServiceAgreement.Status.DRAFT,
                                         ServiceAgreement.Status.AWAITING_CLIENT]).delete()
    latest = client.agreements.order_by("-version").first()
    agreement = ServiceAgreement.objects.create(
        firm=client.firm, client=client, version=(latest.version + 1) if latest else 1, created_by=by,
        **{name: terms[name] for name in AGREEMENT_TERMS if name in terms})
    record_audit(actor=by, action="agreement.drafted", obj=agreement,
                 changes={name: {"before": None, "after": terms.get(name)} for name in AGREEMENT_TERMS})
    return agreement


@transaction.atomic
def confirm_agreement(*, agreement: ServiceAgreement, by, today: datetime.date | None = None) -> ServiceAgreement:
    """The adviser confirms first (draft → awaiting client), then the client in the portal
    (→ confirmed: obligations and the first periodic review are scheduled)."""
    today = today or timezone.localdate()
    agreement = ServiceAgreement.objects.select_for_update().select_related("client").get(pk=agreement.pk)
    client = agreement.client
    now = timezone.now()
    if agreement.status == ServiceAgreement.Status.DRAFT:
        if not can_manage_relationship(user=by, client=client):
            raise PermissionDenied
        agreement.status, agreement.adviser_confirmed_by, agreement.adviser_confirmed_at = (
            ServiceAgreement.Status.AWAITING_CLIENT, by, now)
        agreement.save(update_fields=["status", "adviser_confirmed_by", "adviser_confirmed_at"])
        record_audit(actor=by, action="agreement.confirmed_by_adviser", obj=agreement)
        return agreement
    if agreement.status != ServiceAgreement.Status.AWAITING_CLIENT:
        raise InvalidTransition
    if not is_clients_portal_user(user=by, client=client):
        raise PermissionDenied
    client.agreements.filter(status=ServiceAgreement.Status.CONFIRMED).update(
        status=ServiceAgreement.Status.SUPERSEDED)
    agreement.status, agreement.client_confirmed_by, agreement.client_confirmed_at = (
        ServiceAgreement.Status.CONFIRMED, by, now)
    agreement.save(update_fields=["status", "client_confirmed_by", "client_confirmed_at"])
    record_audit(actor=by, action="agreement.confirmed_by_client", obj=agreement)
    _schedule_after_confirmation(agreement, today)
    return agreement


def _schedule_after_confirmation(agreement: ServiceAgreement, today: datetime.date) -> None:
    client = agreement.client
    client.obligations.filter(fulfilled_at__isnull=True, agreement__status=ServiceAgreement.Status.SUPERSEDED
                              ).delete()
    if agreement.service_kind == ServiceAgreement.ServiceKind.ONGOING:
        schedule_cadence_review(agreement=agreement, after=today)
    profile = client.current_profile
    missing = [domain for domain in agreement.domains if profile and profile.missing.get(domain)]
    if missing:
        Obligation.objects.create(
            firm=client.firm, client=client, agreement=agreement, party=Obligation.Party.CLIENT,
            kind=Obligation.Kind.PROVIDE_INFORMATION,
            due_on=today + datetime.timedelta(days=agreement.client_response_days),
            description=_("Complete the inventory for: %(domains)s") % {"domains": ", ".join(missing)})


def schedule_cadence_review(*, agreement: ServiceAgreement, after: datetime.date) -> PeriodicReview:
    due = add_months(after, agreement.review_cadence_months)
    review, created = PeriodicReview.objects.get_or_create(
        client=agreement.client, trigger_key=f"cadence:{due.isoformat()}", defaults={
            "firm": agreement.firm, "trigger": PeriodicReview.Trigger.CADENCE, "due_on": due,
            "reason": _("Periodic review every %(months)s months") % {"months": agreement.review_cadence_months}})
    if created:
        record_audit(actor=None, action="review.scheduled", obj=review, firm=agreement.firm,
                     changes={"due_on": {"before": None, "after": due}})
    Obligation.objects.get_or_create(
        client=agreement.client, review=review, kind=Obligation.Kind.PERIODIC_REVIEW, defaults={
            "firm": agreement.firm, "agreement": agreement, "party": Obligation.Party.ADVISER, "due_on": due,
            "description": _("Periodic review due %(date)s") % {"date": due.isoformat()}})
    return review


def _open_review(client, *, trigger, key, reason, due_on, notify: bool = True) -> PeriodicReview | None:
    """Open a review for a cause unless that cause already had one; e-mail the adviser after commit."""
    if PeriodicReview.objects.filter(client=client, trigger_key=key).exists():
        return None
    review = PeriodicReview.objects.create(firm=client.firm, client=client, trigger=trigger, trigger_key=key,
                                           reason=reason[:300], due_on=due_on)
    record_audit(actor=None, action="review.opened", obj=review, firm=client.firm,
                 changes={"trigger": {"before": None, "after": trigger}})
    if notify:
        transaction.on_commit(lambda: _notify_adviser(review.pk))
    return review


def _notify_adviser(review_id: int) -> None:
    from .tasks import send_review_notice

    send_review_notice.enqueue(review_id=review_id)


def scan_triggers(*, client: Client, today: datetime.date, notify: bool = True) -> list[PeriodicReview]:
    """Open the reviews the client's situation calls for: a life event of the past year, a
    fixed-rate period ending within six months, a policy anniversary within a month, a
    product on the client's list whose target market or review date changed, a stale profile."""
    agreement = confirmed_agreement(client)
    if agreement is None or client.current_profile is None:
        return []
    data = client.current_profile.data
    opened = []
    soon = today + datetime.timedelta(days=14)
    for event in data.get("life_events", []):
        # An event of the past year that no review has looked at yet (the key makes it once only).
        if event.get("date") and today - datetime.timedelta(days=365) <= datetime.date.fromisoformat(
                event["date"]) <= today:
            opened.append(_open_review(client, trigger=PeriodicReview.Trigger.LIFE_EVENT, notify=notify,
                                       key=f"life_event:{event['type']}:{event['date']}", due_on=soon,
                                       reason=_("Life event reported: %(event)s on %(date)s")
                                       % {"event": event["type"], "date": event["date"]}))
    for part in data.get("mortgage_parts", []):
        ends = part.get("fixed_until")
        if ends and today <= datetime.date.fromisoformat(ends) <= add_months(today, 6):
            opened.append(_open_review(client, trigger=PeriodicReview.Trigger.PRODUCT_EVENT, notify=notify,
                                       key=f"fixed_rate:{ends}:{part.get('amount')}", due_on=soon,
                                       reason=_("The fixed-rate period of a mortgage part ends on %(date)s")
                                       % {"date": ends}))
    for product in data.get("existing_products", []):
        opened.append(_anniversary_review(client, product, today, notify=notify))
        opened.append(_product_change_review(client, product, agreement, soon, notify=notify))
    stale_after = terms_for(client.firm).staleness_days
    profile_day = client.current_profile.created_at.date()
    if (today - profile_day).days > stale_after:
        opened.append(_open_review(client, trigger=PeriodicReview.Trigger.STALE_PROFILE, notify=notify,
                                   key=f"stale:{client.current_profile.version}", due_on=soon,
                                   reason=_("The profile was last updated on %(date)s") % {"date": profile_day}))
    return [review for review in opened if review is not None]


def _anniversary_review(client, product: dict, today: datetime.date, *, notify: bool) -> PeriodicReview | None:
    if not product.get("start"):
        return None
    started = datetime.date.fromisoformat(product["start"])
    day = 28 if (started.month, started.day) == (2, 29) else started.day
    anniversary = datetime.date(today.year, started.month, day)
    if not (started < today <= anniversary <= today + datetime.timedelta(days=30)):
        return None
    return _open_review(client, trigger=PeriodicReview.Trigger.PRODUCT_EVENT, notify=notify,
                        key=f"anniversary:{product.get('category')}:{anniversary.isoformat()}", due_on=anniversary,
                        reason=_("Policy anniversary (%(kind)s) on %(date)s")
                        % {"kind": product.get("category"), "date": anniversary.isoformat()})


def _product_change_review(client, product: dict, agreement, due_on, *, notify: bool) -> PeriodicReview | None:
    """A product the client holds whose target market or review date changed since the agreement."""
    from klantbelang.products.models import ProductVersion

    code = product.get("code")
    if not code:
        return None
    changed = (ProductVersion.objects.filter(product__firm=client.firm, product__code=code,
                                             created_at__gte=agreement.client_confirmed_at)
               .order_by("-version").first())
    if changed is None or not {"target_market", "review_date"} & set(changed.changed_fields):
        return None
    return _open_review(client, trigger=PeriodicReview.Trigger.PRODUCT_EVENT, notify=notify,
                        key=f"product_change:{code}:{changed.version}", due_on=due_on,
                        reason=_("The target market or review date of %(code)s changed") % {"code": code})


@transaction.atomic
def report_life_event(*, client: Client, by, event_type: str, date: datetime.date,
                      today: datetime.date | None = None) -> PeriodicReview | None:
    """The client reports a life event in the portal: it goes into the profile (a new version),
    the adviser owes a response within the agreed time, and a review is opened."""
    today = today or timezone.localdate()
    events = [*client.current_profile.data.get("life_events", []), {"type": event_type, "date": date.isoformat()}]
    save_profile(client=client, by=by, changes={"life_events": events}, source=source_for(by, client), today=today)
    client.refresh_from_db()
    agreement = confirmed_agreement(client)
    if agreement is None:
        return None
    reviews = scan_triggers(client=client, today=today)
    life_event_review = next((review for review in reviews if review.trigger == PeriodicReview.Trigger.LIFE_EVENT),
                             None)
    Obligation.objects.create(
        firm=client.firm, client=client, agreement=agreement, party=Obligation.Party.ADVISER,
        kind=Obligation.Kind.RESPOND_TO_LIFE_EVENT, review=life_event_review,
        due_on=today + datetime.timedelta(days=agreement.response_days),
        description=_("Respond to the reported life event (%(event)s)") % {"event": event_type})
    return life_event_review


@transaction.atomic
def record_review_outcome(*, review: PeriodicReview, by, status: str, note: str,
                          today: datetime.date | None = None) -> PeriodicReview:
    """Close a review as delivered, declined by the client, or not attempted (with the reason).
    Its obligations are fulfilled; a delivered review sends the client a survey; on an ongoing
    service the next cadence review is scheduled."""
    today = today or timezone.localdate()
    review = PeriodicReview.objects.select_for_update().select_related("client").get(pk=review.pk)
    if not can_manage_relationship(user=by, client=review.client):
        raise PermissionDenied
    if review.status != PeriodicReview.Status.OPEN:
        raise InvalidTransition(_("This review has already been closed."))
    if status not in {"delivered", "declined", "not_attempted"}:
        raise ValidationError({"status": _("Choose delivered, declined or not attempted.")})
    if status != "delivered" and not note.strip():
        raise ValidationError({"note": _("Say why the review was declined or not attempted.")})
    now = timezone.now()
    review.status, review.outcome_note, review.completed_by, review.completed_at = status, note, by, now
    review.profile_version = review.client.current_profile.version if review.client.current_profile else None
    review.save()
    Obligation.objects.filter(review=review, fulfilled_at__isnull=True).update(fulfilled_at=now)
    record_audit(actor=by, action=f"review.{status}", obj=review,
                 changes={"status": {"before": "open", "after": status}})
    if status == "delivered":
        Survey.objects.create(firm=review.firm, client=review.client, review=review,
                              about=_("Your review of %(date)s") % {"date": today.isoformat()})
    agreement = confirmed_agreement(review.client)
    if review.trigger == PeriodicReview.Trigger.CADENCE and agreement and \
            agreement.service_kind == ServiceAgreement.ServiceKind.ONGOING:
        schedule_cadence_review(agreement=agreement, after=max(today, review.due_on))
    return review


@transaction.atomic
def answer_survey(*, survey: Survey, by, satisfaction: int, would_recommend: int, comment: str = "") -> Survey:
    survey = Survey.objects.select_for_update().select_related("client").get(pk=survey.pk)
    if not is_clients_portal_user(user=by, client=survey.client):
        raise PermissionDenied
    if survey.answered_at is not None:
        raise InvalidTransition(_("This survey has already been answered."))
    if not 1 <= satisfaction <= 5 or not 0 <= would_recommend <= 10:
        raise ValidationError(_("Satisfaction is 1 to 5, would-recommend 0 to 10."))
    survey.satisfaction, survey.would_recommend, survey.comment = satisfaction, would_recommend, comment[:2000]
    survey.answered_at = timezone.now()
    survey.save()
    record_audit(actor=by, action="survey.answered", obj=survey, firm=survey.firm,
                 changes={"satisfaction": {"before": None, "after": satisfaction}})
    return survey


@transaction.atomic
def register_complaint(*, client: Client, by, subject: str, description: str, received_on: datetime.date,
                       product=None, case=None) -> Complaint:
    if not (can_handle_complaints(user=by) and by.firm == client.firm) and \
            not is_clients_portal_user(user=by, client=client):
        raise PermissionDenied
    if product is not None and product.firm_id != client.firm_id:
        raise ValidationError({"product": _("That product is not on this firm's shelf.")})
    if case is not None and case.client_id != client.pk:
        raise ValidationError({"case": _("That advice file belongs to another client.")})
    terms = terms_for(client.firm)
    complaint = Complaint.objects.create(
        firm=client.firm, client=client, product=product, case=case, subject=subject, description=description,
        received_on=received_on, acknowledge_by=received_on + datetime.timedelta(days=terms.complaint_acknowledge_days),
        resolve_by=received_on + datetime.timedelta(days=terms.complaint_resolve_days))
    record_audit(actor=by, action="complaint.received", obj=complaint)
    return complaint


STEP_FIELDS = {"acknowledged": [], "analysed": ["analysis", "root_cause"], "resolved": ["resolution"],
               "client_informed": []}
STEP_DATES = {"acknowledged": "acknowledged_on", "resolved": "resolved_on", "client_informed": "client_informed_on"}


@transaction.atomic
def advance_complaint(*, complaint: Complaint, by, to: str, today: datetime.date | None = None,
                      **fields) -> Complaint:
    """Move a complaint one step: acknowledged → analysed (analysis and root cause) → resolved
    (resolution) → client informed. Steps cannot be skipped or undone."""
    today = today or timezone.localdate()
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not (can_handle_complaints(user=by) and Complaint.objects.visible_to(by).filter(pk=complaint.pk).exists()):
        raise PermissionDenied
    order = Complaint.ORDER
    if to not in order or order.index(to) != order.index(complaint.status) + 1:
        raise InvalidTransition
    missing = [name for name in STEP_FIELDS[to] if not str(fields.get(name) or "").strip()]
    if missing:
        raise ValidationError({name: _("This is required for this step.") for name in missing})
    before = complaint.status
    for name in STEP_FIELDS[to]:
        setattr(complaint, name, fields[name])
    if to in STEP_DATES:
        setattr(complaint, STEP_DATES[to], today)
    complaint.status = to
    complaint.save()
    record_audit(actor=by, action=f"complaint.{to}", obj=complaint, changes={"status": {"before": before, "after": to}})
    return complaint
