from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Body, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from klantbelang.accounts.models import Team, User
from klantbelang.core.access import access
from klantbelang.core.errors import DomainError
from klantbelang.core.jobs import start_job
from klantbelang.core.pagination import Page
from klantbelang.core.roles import Role
from klantbelang.planning import DEFAULT_PARAMETER_SET, HouseholdInvalid, available_parameter_sets, plan

from . import privacy, services
from .filters import ClientFilter
from .models import Client, NeedsProfile, Person
from .permissions import can_plan, can_replan
from .profile_data import to_match_profile
from .queries import household_plan
from .tasks import replan_book

router = Router(tags=["clients"])


class PersonOut(Schema):
    id: int
    role: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    email: str
    relationship_status: str
    employment: str
    is_vulnerable: bool


class ClientOut(Schema):
    id: int
    reference: str
    name: str
    postcode: str
    responsible_adviser: str
    team: str | None
    has_portal_access: bool
    profile_version: int | None
    incomplete_domains: list[str]
    last_life_event_on: date | None
    persons: list[PersonOut]

    @staticmethod
    def resolve_responsible_adviser(obj):
        return obj.responsible_adviser.email

    @staticmethod
    def resolve_team(obj):
        return obj.team.name if obj.team else None

    @staticmethod
    def resolve_has_portal_access(obj):
        return obj.portal_user_id is not None

    @staticmethod
    def resolve_profile_version(obj):
        return obj.profile_version

    @staticmethod
    def resolve_persons(obj):
        return obj.persons.all()


class ClientQuery(Schema):
    q: str | None = None
    adviser: int | None = None
    team: int | None = None
    missing: str | None = None
    recent_life_event: bool | None = None


class ProfileOut(Schema):
    version: int
    source: str
    created_at: datetime
    created_by: str | None
    changed_fields: list[str]
    data: dict
    provenance: dict
    derived: dict
    needs: list[dict]
    missing: dict
    contradictions: list[dict]
    confirmed: bool = Field(description="Confirmed by the client themselves (the household's portal account)")
    confirmed_by: list[str] = Field(description="The e-mail address of everyone who confirmed this version")

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.email if obj.created_by else None

    @staticmethod
    def resolve_confirmed(obj):
        return any(item.confirmed_by_id == obj.client.portal_user_id for item in obj.confirmations.all())

    @staticmethod
    def resolve_confirmed_by(obj):
        return [item.confirmed_by.email for item in obj.confirmations.all()]


class ProfileIn(Schema):
    changes: dict = Field(default_factory=dict,
                          description="Profile sections to change; nested objects merge, lists replace.")
    based_on_version: int | None = Field(default=None, description="The version you edited; 409 if newer exists.")


class PersonIn(Schema):
    role: str = Field(pattern="^(client|partner|dependant)$")
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    date_of_birth: date | None = None
    email: str = Field(default="", max_length=254)


class ClientIn(Schema):
    name: str = Field(max_length=200)
    postcode: str = Field(default="", max_length=10, description='Dutch "1234 AB" or Belgian "1000"; stored normalised')
    responsible_adviser: int
    team: int | None = None
    persons: list[PersonIn] = Field(min_length=1, max_length=20)
    allow_duplicate: bool = Field(default=False, description=(
        "A household with an adult of the same last name and date of birth (and no other postcode) is "
        "refused with 409 possible_duplicate; true creates it anyway."))


class PossibleDuplicate(DomainError):
    code = "possible_duplicate"
    status = 409


def _clients(user):
    # The version number only: joining the profile would read every listed household's whole profile.
    return (Client.objects.visible_to(user).select_related("responsible_adviser", "team")
            .annotate(profile_version=F("current_profile__version"))
            .prefetch_related(Prefetch("persons", queryset=Person.objects.order_by("pk"))))


@router.get("/clients", response=list[ClientOut], summary="Clients (households) you may see")
@paginate(Page)
def list_clients(request, filters: Query[ClientQuery]):
    data = {name: value for name, value in filters.dict().items() if value is not None}
    client_filter = ClientFilter(data=data, queryset=_clients(request.auth), user=request.auth)
    if not client_filter.is_valid():
        raise ValidationError(client_filter.errors)
    return client_filter.qs.order_by("name", "pk")


@router.post("/clients", response={201: ClientOut}, summary="Create a household with its persons")
def create_client(request, payload: ClientIn):
    adviser = get_object_or_404(User.objects.visible_to(request.auth), pk=payload.responsible_adviser)
    team = get_object_or_404(Team.objects.visible_to(request.auth), pk=payload.team) if payload.team else None
    persons = [person.dict() for person in payload.persons]
    postcode = services.normal_postcode(payload.postcode)
    if not payload.allow_duplicate:
        duplicates = list(Client.objects.possible_duplicates(firm=request.auth.firm, persons=persons,
                                                             postcode=postcode).values_list("reference", flat=True))
        if duplicates:
            raise PossibleDuplicate(_("This household may already be on file: %(references)s has a person with the "
                                      "same last name and date of birth. Send allow_duplicate true if it is another "
                                      "household.") % {"references": ", ".join(duplicates)})
    client = services.create_client(firm=request.auth.firm, by=request.auth, name=payload.name, postcode=postcode,
                                    responsible_adviser=adviser, team=team, persons=persons)
    return 201, _clients(request.auth).get(pk=client.pk)


@router.get("/clients/{int:client_id}", response=ClientOut, summary="One client with its household")
def get_client(request, client_id: int):
    return access(Client, user=request.auth, pk=client_id, queryset=_clients(request.auth))


@router.get("/clients/{int:client_id}/profiles", response=list[ProfileOut], summary="All profile versions")
def list_profiles(request, client_id: int):
    client = access(Client, user=request.auth, pk=client_id)
    return client.profiles.select_related("created_by", "client").prefetch_related("confirmations__confirmed_by")


@router.get("/clients/{int:client_id}/profiles/{int:version}", response=ProfileOut, summary="One profile version")
def get_profile_version(request, client_id: int, version: int):
    client = access(Client, user=request.auth, pk=client_id)
    return get_object_or_404(client.profiles.select_related("created_by"), version=version)


@router.post("/clients/{int:client_id}/profiles", response={201: ProfileOut},
             summary="Save changes as a new profile version")
def create_profile_version(request, client_id: int, payload: ProfileIn):
    client = access(Client, user=request.auth, pk=client_id)
    profile = services.save_profile(client=client, by=request.auth, changes=payload.changes,
                                    source=services.source_for(request.auth, client),
                                    based_on_version=payload.based_on_version)
    return 201, profile


@router.get("/clients/{int:client_id}/needs", response=list[dict], summary="Demands and needs of the current profile")
def get_needs(request, client_id: int):
    client = access(Client, user=request.auth, pk=client_id, queryset=Client.objects.select_related("current_profile"))
    return client.current_profile.needs


@router.get("/clients/{int:client_id}/profile", response=dict,
            summary="The current profile in the matching engine's profile JSON, plus the rest of it")
def get_match_profile(request, client_id: int, version: int | None = None):
    client = access(Client, user=request.auth, pk=client_id, queryset=Client.objects.select_related("current_profile"))
    if request.auth.has_role(Role.CLIENT) and client.portal_user_id != request.auth.pk:
        raise PermissionDenied
    profile: NeedsProfile = (get_object_or_404(client.profiles, version=version) if version
                             else client.current_profile)
    return {"version": profile.version,
            "profile": to_match_profile(profile.data, today=timezone.localdate()),
            "data": profile.data, "derived": profile.derived, "missing": profile.missing, "needs": profile.needs}


class ConsentOut(Schema):
    purpose: str
    label: str
    given: bool
    channel: str | None
    recorded_at: datetime | None


class ConsentIn(Schema):
    purpose: str = Field(max_length=20, description="marketing_email, marketing_phone or marketing_post")
    given: bool
    channel: str = Field(default="portal", max_length=12,
                         description="staff: in_person, phone or writing; the client: portal")


class ErasureIn(Schema):
    reason: str = Field(max_length=500, description="who asked, when, and how their identity was checked")


class ErasureOut(Schema):
    deleted: bool = Field(description="true: nothing had to be kept and the household is gone")
    retain_until: date | None = Field(description="until when the advice files are kept, read-only")


@router.get("/clients/{int:client_id}/data-export", response=dict,
            summary="Everything stored about a household (AVG/GDPR access and portability)")
def data_export(request, client_id: int):
    client = access(Client, user=request.auth, pk=client_id)
    return privacy.export(client=client, by=request.auth, kind="api")


@router.get("/clients/{int:client_id}/data-export.pdf", summary="A readable summary of a household's data (PDF)",
            response={200: None})
def data_export_pdf(request, client_id: int):
    from .privacy_views import render_summary_pdf

    client = access(Client, user=request.auth, pk=client_id)
    data = privacy.export(client=client, by=request.auth, kind="pdf")
    return HttpResponse(render_summary_pdf(client, data), content_type="application/pdf")


@router.get("/clients/{int:client_id}/consents", response=list[ConsentOut],
            summary="Consent for marketing contact: what applies per purpose")
def list_consents(request, client_id: int):
    client = access(Client, user=request.auth, pk=client_id)
    if not privacy.can_view(user=request.auth, client=client):
        raise PermissionDenied
    return privacy.current_consents(client)


@router.post("/clients/{int:client_id}/consents", response={201: list[ConsentOut]},
             summary="Record a client's decision about marketing contact")
def record_consent(request, client_id: int, payload: ConsentIn):
    client = access(Client, user=request.auth, pk=client_id)
    privacy.record_consent(client=client, by=request.auth, **payload.dict())
    return 201, privacy.current_consents(client)


@router.post("/clients/{int:client_id}/erasure", response=ErasureOut,
             summary="Erase a household at the client's request; advice files are kept until their retention ends")
def erase_client(request, client_id: int, payload: ErasureIn):
    client = access(Client, user=request.auth, pk=client_id)
    kept = privacy.erase(client=client, by=request.auth, reason=payload.reason)
    return {"deleted": kept is None, "retain_until": kept.retain_until if kept else None}


class PlanUnavailable(DomainError):
    code = "plan_unavailable"
    status = 409
    default_message = gettext_lazy("The household has no profile or no adult with a date of birth yet.")


def _invalid(invalid: HouseholdInvalid) -> ValidationError:
    dutch = (translation.get_language() or "nl").startswith("nl")
    return ValidationError({error.field or "household": [error.message_nl if dutch else error.message_en]
                            for error in invalid.errors})


PLAN_DESCRIPTION = ("The household JSON of the planning contract (docs/planning.md): reference_date, situation, "
                    "persons with birth dates, incomes, pensions and covers, children, home, mortgage, "
                    "mortgage_request, savings, fixed_costs_month, pension_target_pct.")
HOUSEHOLD_BODY = Body(..., description=PLAN_DESCRIPTION)


@router.post("/plan", response=dict, tags=["planning"],
             summary="Plan a household: AOW, maximum mortgage, scenarios per year, needs and questions")
def post_plan(request, household: dict = HOUSEHOLD_BODY):
    """Nothing is stored. An impossible household (a birth date in the future, a negative amount, a
    mortgage without a home, a child older than a parent) is a 422 naming every bad field."""
    if not can_plan(user=request.auth):
        raise PermissionDenied
    try:
        return plan(household)
    except HouseholdInvalid as invalid:
        raise _invalid(invalid) from None


@router.get("/clients/{int:client_id}/plan", response=dict, tags=["planning"],
            summary="The plan of a household's current profile")
def get_client_plan(request, client_id: int):
    client = access(Client, user=request.auth, pk=client_id,
                    queryset=Client.objects.select_related("current_profile"))
    try:
        result = household_plan(client=client, today=timezone.localdate())
    except HouseholdInvalid as invalid:
        raise _invalid(invalid) from None
    if result is None:
        raise PlanUnavailable
    return {"client_id": client.pk, "profile_version": result.profile.version, "input": result.input,
            **result.result}


class ReplanIn(Schema):
    parameters: str = Field(default=DEFAULT_PARAMETER_SET, max_length=20, description="the parameter set, e.g. NL-2026")


class JobStarted(Schema):
    job_id: int
    status: str


@router.post("/replan", response={202: JobStarted}, tags=["planning"],
             summary="Plan every household of the firm again (a background job; GET /api/v1/jobs/{id})")
def start_replan(request, payload: ReplanIn):
    """The job's result lists the households whose needs changed. Managers and administrators."""
    if not can_replan(user=request.auth):
        raise PermissionDenied
    if payload.parameters not in available_parameter_sets():
        raise ValidationError({"parameters": [_("Choose one of the parameter sets: %(known)s.")
                                              % {"known": ", ".join(available_parameter_sets())}]})
    title = _("Plan the book again under %(parameters)s") % {"parameters": payload.parameters}
    job = start_job(firm=request.auth.firm, by=request.auth, kind="replan", task=replan_book, title=title,
                    firm_id=request.auth.firm.pk, parameter_set=payload.parameters, user_id=request.auth.pk)
    return 202, {"job_id": job.pk, "status": job.status}
