from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klantbelang.accounts.models import User
from klantbelang.clients.forms import NEED_LABELS, OBJECTIVE_LABELS
from klantbelang.clients.models import Client
from klantbelang.core.access import access
from klantbelang.core.errors import DomainError
from klantbelang.core.forms import add_service_errors, number_param
from klantbelang.core.i18n import language_key
from klantbelang.core.roles import Role
from klantbelang.matching.batch import match_one
from klantbelang.matching.presentation import axis_columns, exclusion_summary, rows, with_products
from klantbelang.matching.shelf import catalogue_for
from klantbelang.products.models import Product

from . import services
from .forms import CaseForm, NoteForm, RecommendationForm, ResponseForm, ReviewForm, TaskForm, TimeForm
from .models import TRANSITIONS, AdviceCase, AdviceVersion, Phase
from .permissions import can_open_case, can_review, can_work_on_case

STAFF = {Role.ADVISER, Role.REVIEWER, Role.MANAGER, Role.ADMIN}


CASE_PAGE_SIZE = 50


def case_list(request):
    if not request.user.has_any_role(STAFF):
        raise PermissionDenied
    cases = AdviceCase.objects.visible_to(request.user).select_related("client", "lead")
    status = request.GET.get("status")
    if status in Phase.values:
        cases = cases.filter(status=status)
    if request.GET.get("review") and request.user.has_role(Role.REVIEWER):
        cases = cases.filter(status=Phase.REVIEW).exclude(lead=request.user)
    page = Paginator(cases, CASE_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "advice/case_list.html", {"cases": page.object_list, "page": page,
                                                               "phases": Phase.choices, "status": status})


def case_create(request, client_pk):
    client = access(Client, user=request.user, pk=client_pk, queryset=Client.objects.select_related("current_profile"))
    if not can_open_case(user=request.user):
        raise PermissionDenied
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = services.open_case(client=client, by=request.user, **form.cleaned_data)
        return redirect("advice:case_detail", pk=case.pk)
    return TemplateResponse(request, "advice/case_form.html", {"client": client, "form": form})


def _case(request, pk) -> AdviceCase:
    case = access(AdviceCase, user=request.user, pk=pk,
                  queryset=AdviceCase.objects.select_related("client", "lead", "profile", "firm"))
    if request.user.has_role(Role.CLIENT) and not request.user.has_any_role(STAFF):
        raise Http404  # clients read released advice in the portal only
    return case


MATCH_SHOWN = 25


def _chosen(request) -> tuple[str, Product] | None:
    """The product an adviser chose on the match page (``?choose=need_type:code``): it fills in
    that need's advice form. A code not on the user's shelf is said, and ignored."""
    need_type, _colon, code = request.GET.get("choose", "").partition(":")
    if not code:
        return None
    product = Product.objects.visible_to(request.user).filter(code=code).select_related("provider").first()
    if product is None:
        messages.error(request, _("No product with code %(code)s on the shelf.") % {"code": code})
        return None
    return need_type, product


def case_match(request, pk, need_type):
    """One need of the file against the shelf, on the profile version the file rests on, with a
    way to choose a product into the file's advice for that need."""
    case = _case(request, pk)
    need = next((need for need in services.needs_in_scope(case) if need["type"] == need_type), None)
    if need is None:
        raise Http404
    results = match_one(services._match_profile(case, need_type), catalogue_for(firm=case.firm))
    text = f"text_{language_key()}"
    eligible = [entry for entry in results if entry["eligible"]]
    may_choose = can_work_on_case(user=request.user, case=case) and case.status in services.EDITABLE_PHASES
    return TemplateResponse(request, "advice/case_match.html", {
        "case": case, "need_type": need_type, "label": NEED_LABELS.get(need_type, need_type),
        "reason": need[f"reason_{language_key()}"], "text": text,
        "shown": with_products(rows(eligible[:MATCH_SHOWN], text), user=request.user),
        "eligible_count": len(eligible), "shelf_size": len(results), "why": exclusion_summary(results, text),
        "axis_labels": axis_columns(results),
        "choose_url": f"{reverse('advice:case_detail', args=[case.pk])}?choose={need_type}:" if may_choose else "",
    })


def case_detail(request, pk):
    case = _case(request, pk)
    language = language_key()
    recommendations = {item.need_type: item for item in case.recommendations.select_related("product")}
    can_work = can_work_on_case(user=request.user, case=case)
    editable = can_work and case.status in services.EDITABLE_PHASES
    catalogue = catalogue_for(firm=case.firm) if editable else None
    chosen = _chosen(request) if editable else None
    needs = []
    for need in services.needs_in_scope(case):
        item = recommendations.get(need["type"])
        choice = chosen[1] if chosen and chosen[0] == need["type"] else None
        # The engine's top five as starting points for the adviser's own rationale.
        starting_points = [] if catalogue is None or item is not None else [
            {**entry, "texts": [reason[f"text_{language}"] for reason in entry["reasons"]]}
            for entry in match_one(services._match_profile(case, need["type"]), catalogue)[:5]]
        product_code = choice.code if choice else item.product.code if item and item.product else ""
        needs.append({"need": need, "label": NEED_LABELS.get(need["type"], need["type"]),
                      "starting_points": starting_points, "choice": choice,
                      "reason": need[f"reason_{language}"], "recommendation": item,
                      "form": RecommendationForm(prefix=need["type"], initial={
                          "need_type": need["type"], "product_code": product_code,
                          "no_product": False if choice else item.no_product if item else False,
                          "rationale": item.rationale if item else "",
                          "disadvantages": item.disadvantages if item else "",
                          "one_off_cost": item.one_off_cost if item else None,
                          "yearly_cost": item.yearly_cost if item else None,
                          "horizon_years": item.horizon_years if item else 1,
                          "deviation_reason": item.deviation_reason if item else ""})})
    changes = list(case.status_changes.select_related("by"))
    timeline = [(change, (changes[index + 1].at if index + 1 < len(changes) else timezone.now()) - change.at)
                for index, change in enumerate(changes)]
    return TemplateResponse(request, "advice/case_detail.html", {
        "case": case, "needs": needs, "timeline": timeline, "next_phases": [
            (phase, Phase(phase).label) for phase in TRANSITIONS[case.status] if phase not in {"review", "released"}],
        "can_work": can_work,
        "can_review": can_review(user=request.user, case=case), "editable": case.status in services.EDITABLE_PHASES,
        "suggestions": services.suggest_specialists(case=case) if case.status == Phase.INTAKE else [],
        "notes": case.notes.select_related("author"), "tasks": case.tasks.select_related("assignee"),
        "time_entries": case.time_entries.select_related("user")[:20], "fee": services.fee_statement(case),
        "versions": case.versions.all(), "reviews": case.reviews.select_related("reviewer"),
        "note_form": NoteForm(), "task_form": TaskForm(user=request.user),
        "time_form": TimeForm(initial={"on": timezone.localdate()}),
    })


def _back(request, case, error=None):
    if error is not None:
        messages.error(request, error)
    return redirect("advice:case_detail", pk=case.pk)


@require_POST
def case_move(request, pk):
    case = _case(request, pk)
    to = request.POST.get("to", "")
    try:
        based_on = number_param(request.POST.get("version"))
        if to == Phase.REVIEW:
            services.submit_for_review(case=case, by=request.user, based_on=based_on)
        elif to == Phase.RELEASED:
            services.release(case=case, by=request.user, amendment_reason=request.POST.get("amendment_reason", ""))
        else:
            services.transition(case=case, by=request.user, to=to, based_on=based_on)
    except DomainError as error:
        return _back(request, case, error.message)
    except ValidationError as error:
        return _back(request, case, " ".join(error.messages))
    return _back(request, case)


@require_POST
def case_team(request, pk):
    case = _case(request, pk)
    specialists = list(User.objects.visible_to(request.user).filter(pk__in=request.POST.getlist("specialists")))
    services.set_specialists(case=case, by=request.user, specialists=specialists)
    return _back(request, case)


@require_POST
def recommendation_save(request, pk):
    case = _case(request, pk)
    need_type = request.POST.get("need_type", "")
    form = RecommendationForm(request.POST, prefix=need_type)
    if not form.is_valid():
        return _back(request, case, "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()))
    data = form.cleaned_data
    product = None
    if data["product_code"] and not data["no_product"]:
        product = Product.objects.visible_to(request.user).filter(code=data["product_code"].strip()).first()
        if product is None:
            return _back(request, case,
                         _("No product with code %(code)s on the shelf.") % {"code": data["product_code"]})
    try:
        services.save_recommendation(
            case=case, by=request.user, need_type=data["need_type"], product=product, no_product=data["no_product"],
            rationale=data["rationale"], disadvantages=data["disadvantages"], one_off_cost=data["one_off_cost"],
            yearly_cost=data["yearly_cost"], horizon_years=data["horizon_years"],
            replacement_note=data["replacement_note"], deviation_reason=data["deviation_reason"],
            sustainability_adaptation=data["sustainability_adaptation"],
            based_on=number_param(request.POST.get("version")))
    except ValidationError as error:
        return _back(request, case, " ".join(error.messages))
    except DomainError as error:
        return _back(request, case, error.message)
    messages.success(request, _("The advice for this need has been saved."))
    return _back(request, case)


def review(request, pk):
    case = _case(request, pk)
    if not can_review(user=request.user, case=case):
        raise PermissionDenied
    language = language_key()
    checklist = [(key, nl if language == "nl" else en) for key, nl, en in services.CHECKLIST]
    form = ReviewForm(request.POST or None, checklist=checklist)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_case(case=case, by=request.user, outcome=data["outcome"], checklist={
                key: {"ok": data[f"{key}_ok"], "comment": data[f"{key}_comment"]} for key, _text in checklist})
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your review has been recorded."))
            return redirect("advice:case_list")
    return TemplateResponse(request, "advice/review.html", {"case": case, "form": form,
                                                            "recommendations": case.recommendations.select_related(
                                                                "product")})


@require_POST
def case_note(request, pk):
    case = _case(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(case=case, by=request.user, text=form.cleaned_data["text"])
    return _back(request, case)


@require_POST
def case_task(request, pk):
    case = _case(request, pk)
    form = TaskForm(request.POST, user=request.user)
    if not form.is_valid():
        return _back(request, case, _("The task needs a title, a date and an assignee."))
    services.add_task(case=case, by=request.user, **form.cleaned_data)
    return _back(request, case)


@require_POST
def case_time(request, pk):
    case = _case(request, pk)
    form = TimeForm(request.POST)
    if not form.is_valid():
        return _back(request, case, _("Enter the activity, the minutes and the date."))
    services.log_time(case=case, by=request.user, **form.cleaned_data)
    return _back(request, case)


def _version(request, pk) -> AdviceVersion:
    version = access(AdviceVersion, user=request.user, pk=pk, queryset=AdviceVersion.objects.select_related(
        "case__client", "released_by"))
    return version


def report(request, pk):
    version = _version(request, pk)
    return TemplateResponse(request, "advice/report.html", _report_context(version))


def _report_context(version):
    language = language_key()
    data = version.snapshot
    needs = {need["type"]: need for need in data["needs"]}
    items = [{**item, "label": NEED_LABELS.get(item["need_type"], item["need_type"]),
              "why": (needs.get(item["need_type"]) or {}).get(f"reason_{language}", ""),
              "reason_texts": [reason[f"text_{language}"] for reason in item["reasons"]]}
             for item in data["recommendations"]]
    goals = [{**goal, "label": OBJECTIVE_LABELS.get(goal.get("type"), goal.get("type"))}
             for goal in data.get("objectives", [])]
    return {"version": version, "data": data, "items": items, "goals": goals,
            "accepted": version.responses.filter(kind="accepted").first()}


def render_report_pdf(version, request=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string("advice/report.html", {**_report_context(version), "standalone": True}, request=request)
    return HTML(string=html).write_pdf()


def report_pdf(request, pk):
    version = _version(request, pk)
    response = HttpResponse(render_report_pdf(version, request), content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="adviesrapport-{version.case.client.reference}-'
                                       f'{version.case.pk}-v{version.number}.pdf"')
    return response


def portal(request):
    client = Client.objects.visible_to(request.user).filter(portal_user=request.user).first()
    if client is None:
        raise Http404
    versions = AdviceVersion.objects.filter(case__client=client).select_related("case").prefetch_related("responses")
    return TemplateResponse(request, "advice/portal.html", {"client": client, "versions": versions,
                                                            "form": ResponseForm()})


@require_POST
def respond(request, pk):
    version = _version(request, pk)
    form = ResponseForm(request.POST)
    kind = request.POST.get("kind")
    if kind not in {"accepted", "question"} or not form.is_valid():
        raise Http404
    try:
        services.respond_to_report(version=version, by=request.user, kind=kind, text=form.cleaned_data["text"])
    except (DomainError, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: your adviser has been told.") if kind == "question"
                         else _("You have accepted the advice."))
    return redirect("advice:portal")
