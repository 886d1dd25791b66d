import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from klantbelang.core.jobs import start_job
from klantbelang.core.roles import Role

from . import services
from .tasks import refresh_figures

router = Router(tags=["quality"])


class DashboardQuery(Schema):
    start: datetime.date | None = Field(default=None, description="first month (any day in it); default: 11 "
                                                                   "months before this one")
    end: datetime.date | None = Field(default=None, description="last day; default: today")
    team_id: int | None = None
    adviser_id: int | None = None


class FigureOut(Schema):
    metric: str
    label: str
    kind: str
    value: float | None
    numerator: float
    denominator: float
    trend: list[float | None]


class ModuleOut(Schema):
    module: str
    label: str
    score: int | None
    rule: str
    goal: int | None
    file_checks: int
    file_checks_with_findings: int
    figures: list[FigureOut]
    breakdown: list[dict]


class PressureSignalOut(Schema):
    kind: str
    level: str
    who: str
    title: str
    evidence: str


class DashboardOut(Schema):
    level: str
    scope: str
    start: datetime.date
    end: datetime.date
    months: list[str]
    figures_until: datetime.datetime | None
    modules: list[ModuleOut]
    signals: list[PressureSignalOut]


class RefreshJobOut(Schema):
    job_id: int


@router.get("/quality/dashboard", response=DashboardOut,
            summary="The client-interest dashboard's numbers for a period (firm, team or adviser)")
def dashboard(request, query: Query[DashboardQuery]):
    user = request.auth
    if not user.has_any_role({Role.MANAGER, Role.ADMIN, Role.ADVISER}):
        raise PermissionDenied
    today = timezone.localdate()
    start = services.month_start(query.start or services.month_start(today, 11))
    end = min(query.end or today, today)
    if end < start:
        raise ValidationError({"end": _("The end of the period lies after its start.")})
    scope = services.scope_for(user, team_id=query.team_id, adviser_id=query.adviser_id)
    data = services.dashboard(user.firm, scope=scope, start=start, end=end)
    only = scope.advisers if scope.level != "firm" else None
    found = services.pressure_signals(user.firm, start=start, end=end, only=only)
    return {
        "level": scope.level, "scope": scope.label, "start": start, "end": end,
        "months": [month.strftime("%Y-%m") for month in data["months"]],
        "figures_until": data["refreshed"].computed_at if data["refreshed"] else None,
        "modules": [{"module": view.module, "label": view.label, "score": view.score.value, "rule": view.score.rule,
                     "goal": view.goal, "file_checks": view.checks[0], "file_checks_with_findings": view.checks[1],
                     "figures": [{"metric": entry["metric"].slug, "label": str(entry["metric"].label),
                                  "kind": entry["metric"].kind, "value": entry["value"],
                                  "numerator": entry["numerator"], "denominator": entry["denominator"],
                                  "trend": entry["trend"]} for entry in view.figures],
                     "breakdown": view.breakdown} for view in data["modules"]],
        "signals": [{"kind": signal.kind, "level": signal.level, "who": signal.label, "title": signal.title,
                     "evidence": signal.evidence} for signal in found],
    }


@router.post("/quality/refresh", response={202: RefreshJobOut},
             summary="Recompute the dashboard's figures (background job)")
def refresh(request):
    user = request.auth
    if not user.has_any_role({Role.MANAGER, Role.ADMIN}):
        raise PermissionDenied
    job = start_job(firm=user.firm, by=user, kind="quality_refresh", title=_("Recompute the dashboard"),
                    task=refresh_figures, firm_id=user.firm.pk)
    return 202, {"job_id": job.pk}
