import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from klantbelang.core.access import access
from klantbelang.core.domains import Domain
from klantbelang.core.errors import Conflict, DomainError
from klantbelang.core.forms import number_param
from klantbelang.core.i18n import language_key
from klantbelang.core.jobs import start_job
from klantbelang.core.models import BackgroundJob
from klantbelang.core.roles import Role
from klantbelang.matching.batch import match_one
from klantbelang.matching.presentation import axis_columns, exclusion_summary, rows, with_products
from klantbelang.matching.profile import parse_profile
from klantbelang.matching.shelf import catalogue_for
from klantbelang.planning import DEFAULT_PARAMETER_SET, HouseholdInvalid, available_parameter_sets
from klantbelang.products.permissions import can_match

from . import services
from .filters import ClientFilter
from .forms import ANSWERED_SECTIONS, NEED_LABELS, SECTIONS, ClientForm, PersonForm
from .models import Client, Person
from .permissions import can_create_client, can_edit_profile, can_invite_client, can_replan
from .profile_data import flatten, to_match_profile
from .queries import household_plan
from .tasks import replan_book as replan_book_task

PAGE_SIZE = 50


def client_list(request):
    if not request.user.has_any_role({Role.ADVISER, Role.REVIEWER, Role.MANAGER, Role.ADMIN}):
        raise PermissionDenied
    client_filter = ClientFilter(request.GET or None, user=request.user,
                                 queryset=Client.objects.visible_to(request.user)
                                 .select_related("responsible_adviser", "team"))
    clients = client_filter.qs.order_by("name", "pk")
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "clients/client_list.html#results" if request.htmx else "clients/client_list.html"
    return TemplateResponse(request, template, {"filter": client_filter, "page": page,
                                                "can_create": can_create_client(user=request.user)})


def client_create(request):
    if not can_create_client(user=request.user):
        raise PermissionDenied
    form = ClientForm(request.POST or None, user=request.user)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        persons = [{"role": "client", "first_name": data["first_name"], "last_name": data["last_name"],
                    "date_of_birth": data["date_of_birth"], "email": data["email"] or ""}]
        try:
            postcode = services.normal_postcode(data["postcode"])
            if not data["create_anyway"]:
                duplicates = list(Client.objects.possible_duplicates(firm=request.firm, persons=persons,
                                                                     postcode=postcode)
                                  .select_related("responsible_adviser")[:10])
            if not duplicates:
                client = services.create_client(
                    firm=request.firm, by=request.user, name=data["name"], postcode=postcode,
                    responsible_adviser=data["responsible_adviser"], team=data["team"], persons=persons)
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            if not duplicates:
                return redirect("clients:client_detail", pk=client.pk)
    visible = set(Client.objects.visible_to(request.user).filter(pk__in=[item.pk for item in duplicates])
                  .values_list("pk", flat=True)) if duplicates else set()
    return TemplateResponse(request, "clients/client_form.html", {
        "form": form, "duplicates": [(item, item.pk in visible) for item in duplicates]})


def _missing_once(missing: dict, language: str) -> list[dict]:
    """What is still missing, each item once with the domains that need it, in the order first
    asked: a client reads one list of questions, not the same question under every domain."""
    items: dict[str, dict] = {}
    for domain, domain_items in missing.items():
        for item in domain_items:
            entry = items.setdefault(item["field"], {"field": item["field"], "domains": [],
                                                     "label": item.get(f"label_{language}", item["field"]),
                                                     "why": item[f"why_{language}"]})
            entry["domains"].append(Domain(domain).label)
    return list(items.values())


def _context(request, client):
    profile = client.current_profile
    language = language_key()
    confirmations = [(confirmation.confirmed_by, confirmation.confirmed_by_id == client.portal_user_id)
                     for confirmation in profile.confirmations.select_related("confirmed_by")]
    return {
        "client": client, "profile": profile, "persons": client.persons.all(),
        "is_portal": client.portal_user_id == request.user.pk,
        "can_edit": can_edit_profile(user=request.user, client=client),
        "can_invite": can_invite_client(user=request.user, client=client) and client.portal_user_id is None,
        "can_match": can_match(user=request.user),
        "sections": SECTIONS.values(),
        "missing": [(Domain(domain).label, [(item["field"], item.get(f"label_{language}", item["field"]),
                                              item[f"why_{language}"]) for item in items])
                    for domain, items in profile.missing.items()],
        "missing_once": _missing_once(profile.missing, language),
        "needs": [{**need, "label": NEED_LABELS.get(need["type"], need["type"]),
                   "priority_label": PRIORITY_LABELS.get(need["priority"], need["priority"]),
                   "reason": need[f"reason_{language}"]} for need in profile.needs],
        "contradictions": [item[f"text_{language}"] for item in profile.contradictions],
        "versions": client.profiles.select_related("created_by").only(
            "version", "source", "created_at", "changed_fields", "created_by__full_name", "client_id")[:15],
        "confirmations": confirmations,
        "confirmed": any(by_client for _who, by_client in confirmations),  # by the client themselves
    }


def client_detail(request, pk):
    client = access(Client, user=request.user, pk=pk, queryset=Client.objects.select_related(
        "current_profile", "responsible_adviser", "team"))
    return TemplateResponse(request, "clients/client_detail.html", _context(request, client))


NEED_TYPE_LABELS = {
    "pension_gap": gettext_lazy("Pension gap"),
    "disability_gap": gettext_lazy("Income on disability"),
    "wga_gap": gettext_lazy("WGA gap"),
    "death_cover": gettext_lazy("Cover on death"),
    "mortgage_affordability": gettext_lazy("Mortgage above the lending norms"),
    "emergency_buffer": gettext_lazy("Emergency buffer"),
    "home_cover": gettext_lazy("Home insurance"),
    "contents_cover": gettext_lazy("Contents insurance"),
    "liability_cover": gettext_lazy("Liability insurance"),
    "unemployment_gap": gettext_lazy("Income on unemployment"),
    "goal_funding": gettext_lazy("Funding a goal"),
}
PRIORITY_LABELS = {"need": gettext_lazy("necessary"), "want": gettext_lazy("wanted"), "wish": gettext_lazy("wish")}
UNIT_LABELS = {"per_year": gettext_lazy("a year"), "capital": gettext_lazy("capital"), "once": gettext_lazy("once")}
SOURCE_LABELS = {
    "work": gettext_lazy("Work"),
    "aow": gettext_lazy("AOW"),
    "pension": gettext_lazy("Pension"),
    "partner_pension": gettext_lazy("Partner's pension"),
    "anw": gettext_lazy("Anw"),
    "sick_pay": gettext_lazy("Sick pay"),
    "wia": gettext_lazy("WIA"),
    "ww": gettext_lazy("WW"),
    "private_benefit": gettext_lazy("Insured benefit"),
}


def _scenario_title(key: str, names: dict[str, str]) -> str:
    kind, _separator, person = key.partition("_")
    name = names.get(person, person)
    return {"retirement": _("Retirement"), "death": _("Death of %(name)s") % {"name": name},
            "disability": _("Disability of %(name)s") % {"name": name},
            "unemployment": _("Unemployment of %(name)s") % {"name": name}}[kind]


def _chart(rows: list[dict]) -> dict:
    """The chart.js spec of one scenario: income by source stacked per year, the target as a line."""
    sources = [source for source in SOURCE_LABELS if any(source in row["sources"] for row in rows)]
    datasets = [{"label": str(SOURCE_LABELS[source]), "data": [row["sources"].get(source, 0) for row in rows],
                 "stack": "income"} for source in sources]
    if any(row["target"] is not None for row in rows):
        datasets.append({"type": "line", "label": str(_("Target")), "data": [row["target"] for row in rows],
                         "borderColor": "#222", "backgroundColor": "#222", "pointRadius": 0, "borderWidth": 2})
    return {"type": "bar", "stacked": True, "labels": [row["year"] for row in rows], "datasets": datasets}


def analysis(request, pk):
    """Financiële analyse: the household's income per year in every scenario against its target, the
    maximum mortgage and the needs per person, from the planning core on the current profile."""
    client = access(Client, user=request.user, pk=pk, queryset=Client.objects.select_related(
        "current_profile", "responsible_adviser"))
    try:
        result = household_plan(client=client, today=timezone.localdate())
    except HouseholdInvalid as invalid:
        language = language_key()
        return TemplateResponse(request, "clients/analysis.html", {
            "client": client, "errors": [(error.field, getattr(error, f"message_{language}"))
                                         for error in invalid.errors]})
    if result is None:
        return TemplateResponse(request, "clients/analysis.html", {"client": client, "plan": None})
    language = language_key()
    plan_result = result.result
    names = {person["id"]: person["name"] or person["id"] for person in plan_result["persons"]}
    needs = [{**need, "label": NEED_TYPE_LABELS.get(need["type"], need["type"]),
              "priority_label": PRIORITY_LABELS.get(need["priority"], need["priority"]),
              "unit_label": UNIT_LABELS.get(need["unit"], need["unit"]), "reason": need[f"reason_{language}"],
              "who": names.get(need["person"], _("Household")) if need["person"] else _("Household")}
             for need in plan_result["needs"]]
    scenarios = [{"key": key, "title": _scenario_title(key, names), "chart_id": f"chart-{key}",
                  "chart": _chart(rows), "shortfall_years": sum(1 for row in rows if row["shortfall"])}
                 for key, rows in plan_result["scenarios"].items()]
    persons = [{**person, "birth": datetime.date.fromisoformat(person["birth_date"]),
                "aow": datetime.date.fromisoformat(person["aow_date"])} for person in plan_result["persons"]]
    return TemplateResponse(request, "clients/analysis.html", {
        "client": client, "plan": plan_result, "persons": persons, "needs": needs, "scenarios": scenarios,
        "mortgage": plan_result["max_mortgage"], "version": result.profile.version,
        "to_ask": [item[f"reason_{language}"] for item in plan_result["to_ask"]]})


def replan(request):
    """Plan the whole book again under a parameter set (a new year's figures), as a background job; the
    page lists the earlier runs with the households whose needs changed."""
    if not can_replan(user=request.user):
        raise PermissionDenied
    choices = available_parameter_sets()
    if request.method == "POST":
        parameter_set = request.POST.get("parameters") or DEFAULT_PARAMETER_SET
        if parameter_set not in choices:
            messages.error(request, _("Choose one of the parameter sets."))
            return redirect("clients:replan")
        job = start_job(firm=request.firm, by=request.user, kind="replan", task=replan_book_task,
                        title=_("Plan the book again under %(parameters)s") % {"parameters": parameter_set},
                        firm_id=request.firm.pk, parameter_set=parameter_set, user_id=request.user.pk)
        return redirect("core:job_detail", pk=job.pk)
    runs = BackgroundJob.objects.visible_to(request.user).filter(kind="replan").order_by("-created_at")[:10]
    return TemplateResponse(request, "clients/replan.html", {"runs": runs, "choices": choices,
                                                            "default": DEFAULT_PARAMETER_SET})


def portal(request):
    """A client's own household file: what is still missing and why, and the inventory to fill in."""
    client = Client.objects.visible_to(request.user).filter(portal_user=request.user).first()
    if client is None:
        raise Http404
    return TemplateResponse(request, "clients/portal.html", _context(request, client))


def section_edit(request, pk, section):
    client = access(Client, user=request.user, pk=pk, queryset=Client.objects.select_related("current_profile"))
    if section not in SECTIONS:
        raise Http404
    if not can_edit_profile(user=request.user, client=client):
        raise PermissionDenied
    step = SECTIONS[section]
    profile = client.current_profile
    bound = step.forms(profile.data, request.POST if request.method == "POST" else None)
    saved = False
    if request.method == "POST" and all(form.is_valid() for form in bound.values()):
        try:
            profile = services.save_profile(
                client=client, by=request.user, changes=step.changes(bound),
                source=services.source_for(request.user, client),
                based_on_version=number_param(request.POST.get("version")),
                answered_section=ANSWERED_SECTIONS.get(section))
        except Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            if not request.htmx:
                messages.success(request, _("Saved as version %(version)s.") % {"version": profile.version})
                return redirect("clients:section_edit", pk=client.pk, section=section)
            bound, saved = step.forms(profile.data), True
    template = "clients/section.html#section" if request.htmx else "clients/section.html"
    keys = list(SECTIONS)
    position = keys.index(section)
    return TemplateResponse(request, template, {
        "client": client, "profile": profile, "step": step, "forms": bound, "saved": saved,
        "is_portal": client.portal_user_id == request.user.pk,
        "next_section": keys[position + 1] if position + 1 < len(keys) else None,
        "previous_section": keys[position - 1] if position else None, "sections": SECTIONS.values(),
        "missing_count": sum(len(items) for items in profile.missing.values()),
    })


def person_edit(request, pk, person_pk=None):
    client = access(Client, user=request.user, pk=pk)
    if not can_edit_profile(user=request.user, client=client):
        raise PermissionDenied
    person = get_object_or_404(Person, client=client, pk=person_pk) if person_pk else None
    form = PersonForm(request.POST or None, instance=person or Person(client=client))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PersonForm.Meta.fields}
        if form.cleaned_data.get("vulnerability_consent") or (person and person.vulnerability_consent_at):
            fields["vulnerability_consent_at"] = (person.vulnerability_consent_at if person and
                                                  person.vulnerability_consent_at else timezone.now())
        if not fields["is_vulnerable"]:
            fields["vulnerability_note"] = ""
        try:
            saved = services.save_person(client=client, by=request.user, fields=fields, person=person,
                                         base_url=request.build_absolute_uri("/"))
        except ValidationError as error:
            for field, messages_ in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            if saved.email_pending and saved.email_pending_by_id == request.user.pk:
                messages.info(request, _("The new e-mail address %(email)s counts once %(name)s confirms it from "
                                         "the old address or a colleague confirms it.")
                              % {"email": saved.email_pending, "name": saved.first_name})
            return redirect("clients:portal" if client.portal_user_id == request.user.pk else "clients:client_detail",
                            **({} if client.portal_user_id == request.user.pk else {"pk": client.pk}))
    return TemplateResponse(request, "clients/person_form.html", {
        "client": client, "form": form, "person": person,
        "may_confirm_email": person is not None and bool(person.email_pending)
        and person.email_pending_by_id != request.user.pk and not request.user.has_role(Role.CLIENT)})


@require_POST
def person_email_confirm(request, pk, person_pk):
    """A second member of staff confirms a new e-mail address a colleague entered."""
    client = access(Client, user=request.user, pk=pk)
    person = get_object_or_404(Person, client=client, pk=person_pk)
    try:
        services.confirm_email_change(person=person, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The new e-mail address of %(name)s is confirmed.") % {"name": person})
    return redirect("clients:client_detail", pk=client.pk)


@login_not_required
def email_confirm(request, token):
    """The link sent to a person's old address: a page that asks, and a POST that confirms (a mail
    scanner that follows the link changes nothing)."""
    change = services.email_change_of(token)
    if change is None:
        raise Http404
    person_id, pending = change
    person = get_object_or_404(Person.objects.select_related("client__firm"), pk=person_id, email_pending=pending)
    done = False
    if request.method == "POST":
        try:
            services.confirm_email_change(person=person, token=token)
        except DomainError:
            raise Http404 from None
        done = True
    return TemplateResponse(request, "clients/email_confirm.html", {"person": person, "pending": pending,
                                                                   "done": done})


def compare_versions(request, pk):
    client = access(Client, user=request.user, pk=pk)
    wanted = number_param(request.GET.get("a")), number_param(request.GET.get("b"))
    versions = {profile.version: profile for profile in client.profiles.filter(version__in=wanted)}
    if not set(wanted) <= set(versions):
        raise Http404
    older, newer = versions[wanted[0]], versions[wanted[1]]
    before, after = flatten(older.data), flatten(newer.data)
    rows = [(path, before.get(path), after.get(path), newer.provenance.get(path, {}))
            for path in sorted(set(before) | set(after)) if before.get(path) != after.get(path)]
    return TemplateResponse(request, "clients/compare.html",
                            {"client": client, "older": older, "newer": newer, "rows": rows})


def need_match(request, pk, index):
    client = access(Client, user=request.user, pk=pk, queryset=Client.objects.select_related("current_profile"))
    if not can_match(user=request.user):
        raise PermissionDenied
    needs = client.current_profile.needs
    if not 0 <= index < len(needs):
        raise Http404
    need = needs[index]
    profile = parse_profile(to_match_profile(client.current_profile.data, need_type=need["type"],
                                             today=timezone.localdate()))
    results = match_one(profile, catalogue_for(firm=request.firm))
    text = f"text_{language_key()}"
    shown = with_products(rows([entry for entry in results if entry["eligible"]][:25], text), user=request.user)
    return TemplateResponse(request, "clients/need_match.html", {
        "client": client, "need": {**need, "label": NEED_LABELS.get(need["type"], need["type"]),
                                   "reason": need[f"reason_{language_key()}"]},
        "profile_json": profile.to_json(), "shown": shown, "text": text,
        "eligible_count": sum(entry["eligible"] for entry in results), "shelf_size": len(results),
        "why": exclusion_summary(results, text),
        "axis_labels": axis_columns(results),
    })


@require_POST
def invite(request, pk):
    client = access(Client, user=request.user, pk=pk)
    person = get_object_or_404(Person, client=client, pk=number_param(request.POST.get("person")))
    try:
        services.invite_client(client=client, person=person, by=request.user,
                               base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s has been invited to the client portal.") % {"name": person})
    return redirect("clients:client_detail", pk=client.pk)


@require_POST
def confirm(request, pk):
    client = access(Client, user=request.user, pk=pk, queryset=Client.objects.select_related("current_profile"))
    services.confirm_profile(profile=client.current_profile, by=request.user)
    messages.success(request, _("Thank you: version %(version)s of the profile is confirmed.")
                     % {"version": client.current_profile.version})
    return redirect("clients:portal" if client.portal_user_id == request.user.pk else "clients:client_detail",
                    **({} if client.portal_user_id == request.user.pk else {"pk": client.pk}))
