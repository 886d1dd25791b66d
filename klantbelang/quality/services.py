"""Pre-aggregation, the dashboard's numbers for a period and a scope, file checks and goals."""

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from klantbelang.accounts.models import Team, User
from klantbelang.core.audit import diff, field_values, record_audit
from klantbelang.core.roles import Role

from . import metrics, scores, signals
from .models import FileCheck, Module, MonthlyFigure, ProviderMix, QualityGoal, Refresh

MODULE_ORDER = list(Module.values)


def month_start(value: datetime.date, back: int = 0) -> datetime.date:
    """The first day of the month ``back`` months before ``value``'s (negative: after)."""
    year, month = divmod(value.year * 12 + value.month - 1 - back, 12)
    return datetime.date(year, month + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return month_start(month, -1) - datetime.timedelta(days=1)


@transaction.atomic
def refresh(firm, *, months: int = 24, today: datetime.date | None = None, progress=None) -> Refresh:
    """Recompute every flow figure of the last ``months`` months and this month's snapshot of the
    stock figures; earlier snapshots stay (they are the trend). All or nothing."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    start = month_start(today, months - 1)
    this_month = month_start(today)
    if progress:
        progress(0, 3, _("Counting"))
    rows = metrics.compute(firm, start=start, end=today, today=today)
    cells: dict = defaultdict(lambda: [0.0, 0.0])
    for metric, entries in rows.items():
        for adviser, month, numerator, denominator in entries:
            cell = cells[(month, adviser, metric)]
            cell[0] += numerator
            cell[1] += denominator
    mix = metrics.provider_mix(firm, start=start, end=today)
    if progress:
        progress(1, 3, _("Writing the figures"))
    MonthlyFigure.objects.filter(firm=firm, month__gte=start).exclude(
        Q(metric__in=metrics.STOCK) & Q(month__lt=this_month)).delete()
    MonthlyFigure.objects.bulk_create(
        [MonthlyFigure(firm=firm, month=month, adviser_id=adviser, metric=metric, numerator=numerator,
                       denominator=denominator)
         for (month, adviser, metric), (numerator, denominator) in cells.items()
         if not (metric in metrics.STOCK and month != this_month)], batch_size=2000)
    ProviderMix.objects.filter(firm=firm, month__gte=start).delete()
    ProviderMix.objects.bulk_create([
        ProviderMix(firm=firm, month=month, adviser_id=adviser, need_type=need, provider_id=provider, count=count)
        for (adviser, month, need, provider), count in mix.items()], batch_size=2000)
    stored, _created = Refresh.objects.update_or_create(firm=firm, defaults={
        "computed_at": timezone.now(), "months": months, "seconds": round(time.perf_counter() - started, 2)})
    if progress:
        progress(3, 3, _("Done"))
    return stored


# Reading -----------------------------------------------------------------------------------------

@dataclass
class Scope:
    """Whose figures: the firm (advisers None), a team, or one adviser."""

    level: str  # "firm", "team", "adviser"
    label: str
    advisers: list[int] | None = None
    team: Team | None = None
    adviser: User | None = None


@dataclass
class ModuleView:
    module: str
    label: str
    score: scores.Score
    figures: list[dict] = field(default_factory=list)
    breakdown: list[dict] = field(default_factory=list)
    goal: int | None = None
    checks: tuple[int, int] = (0, 0)


def scope_for(user, *, team_id=None, adviser_id=None) -> Scope:
    """The scope a user asks for, limited to what they may see: an adviser only their own page."""
    firm = user.firm
    if user.has_any_role({Role.MANAGER, Role.ADMIN}):
        if adviser_id:
            adviser = User.objects.filter(pk=adviser_id, memberships__firm=firm).distinct().first()
            if adviser is None:
                raise PermissionDenied
            return Scope("adviser", adviser.full_name, [adviser.pk], adviser=adviser)
        if team_id:
            team = Team.objects.filter(pk=team_id, firm=firm).first()
            if team is None:
                raise PermissionDenied
            return Scope("team", team.name, list(team.members.values_list("pk", flat=True)), team=team)
        return Scope("firm", firm.name)
    if user.has_role(Role.ADVISER):
        if (adviser_id and int(adviser_id) != user.pk) or team_id:
            raise PermissionDenied
        return Scope("adviser", user.full_name, [user.pk], adviser=user)
    raise PermissionDenied


def _values(sums: dict) -> dict[str, float | None]:
    """Each metric's value: a count is its numerator, anything else numerator / denominator."""
    out = {}
    for metric, (numerator, denominator) in sums.items():
        definition = metrics.BY_SLUG.get(metric)
        if definition is not None and definition.kind == "count":
            out[metric] = numerator
        else:
            out[metric] = numerator / denominator if denominator else None
    return out


def dashboard(firm, *, scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """Everything a dashboard page shows, in a fixed number of queries whatever the book's size."""
    figures = MonthlyFigure.objects.filter(firm=firm, month__gte=month_start(start), month__lte=end)
    if scope.advisers is not None:
        figures = figures.filter(adviser__in=scope.advisers)
    monthly: dict = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for metric, month, numerator, denominator in figures.values("metric", "month").annotate(
            n=Sum("numerator"), d=Sum("denominator")).values_list("metric", "month", "n", "d"):
        monthly[metric][month] = [numerator or 0.0, denominator or 0.0]
    totals: dict = {}
    for metric, months in monthly.items():
        if metric in metrics.STOCK:
            totals[metric] = months[max(months)]
        else:
            totals[metric] = [sum(cell[0] for cell in months.values()), sum(cell[1] for cell in months.values())]
    values = _values(totals)
    checks = defaultdict(lambda: [0, 0])
    file_checks = FileCheck.objects.filter(firm=firm, checked_at__date__gte=start, checked_at__date__lte=end)
    if scope.advisers is not None:
        file_checks = file_checks.filter(case__lead__in=scope.advisers)
    for module, outcome in file_checks.values_list("module", "outcome"):
        checks[module][0] += 1
        checks[module][1] += outcome == FileCheck.Outcome.FINDINGS
    goals = dict(QualityGoal.objects.filter(
        firm=firm, team=scope.team).values_list("module", "target")) if scope.level != "adviser" else {}
    months = []
    cursor = month_start(start)
    while cursor <= end:
        months.append(cursor)
        cursor = month_start(cursor, -1)
    modules = []
    for module in MODULE_ORDER:
        entries = []
        for metric in metrics.METRICS:
            if metric.module != module:
                continue
            entries.append({"metric": metric, "value": values.get(metric.slug),
                            "numerator": totals.get(metric.slug, [0, 0])[0],
                            "denominator": totals.get(metric.slug, [0, 0])[1],
                            "trend": [_cell_value(metric, monthly.get(metric.slug, {}).get(month))
                                      for month in months]})
        breakdown = []
        for prefix, owner in metrics.BREAKDOWNS.items():
            if owner == module:
                labels = breakdown_labels(prefix)
                breakdown += sorted(({"key": slug.split(":", 1)[1], "count": totals[slug][0],
                                      "label": labels.get(slug.split(":", 1)[1], slug.split(":", 1)[1])}
                                     for slug in totals if slug.startswith(prefix + ":")),
                                    key=lambda item: -item["count"])
        modules.append(ModuleView(module=module, label=str(Module(module).label),
                                  score=scores.score(module, values, file_checks=tuple(checks[module])),
                                  figures=entries, breakdown=breakdown, goal=goals.get(module),
                                  checks=tuple(checks[module])))
    refreshed = Refresh.objects.filter(firm=firm).first()
    return {"scope": scope, "start": start, "end": end, "months": months, "modules": modules,
            "refreshed": refreshed, "values": values}


def breakdown_labels(prefix: str) -> dict[str, str]:
    from klantbelang.advice.services import CHECKLIST
    from klantbelang.core.i18n import language_key
    from klantbelang.relationships.models import Complaint

    if prefix == "finding":
        english = language_key() == "en"
        return {key: en if english else nl for key, nl, en in CHECKLIST}
    return {value: str(label) for value, label in Complaint.RootCause.choices}


def _cell_value(metric, cell) -> float | None:
    if not cell:
        return None
    if metric.kind == "count":
        return cell[0]
    return round(cell[0] / cell[1], 4) if cell[1] else None


def pressure_signals(firm, *, start: datetime.date, end: datetime.date, only: list[int] | None = None) -> list:
    """Signals per adviser and per team for the period (managers), or for one adviser (``only``)."""
    flows = ("releases", "releases_period_end", "within_target_market", "replacements", "review_findings")
    per_adviser: dict = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    halves: dict = defaultdict(lambda: defaultdict(lambda: [[0.0, 0.0], [0.0, 0.0]]))
    middle = start + (end - start) / 2
    for adviser, metric, month, numerator, denominator in MonthlyFigure.objects.filter(
            firm=firm, month__gte=month_start(start), month__lte=end, metric__in=flows,
            adviser__isnull=False).values_list("adviser", "metric", "month", "numerator", "denominator"):
        cell = per_adviser[adviser][metric]
        cell[0] += numerator
        cell[1] += denominator
        half = halves[adviser][metric][0 if month < middle else 1]
        half[0] += numerator
        half[1] += denominator
    mix: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for adviser, need, provider, count in ProviderMix.objects.filter(
            firm=firm, month__gte=month_start(start), month__lte=end).values(
            "adviser", "need_type", "provider").annotate(total=Sum("count")).values_list(
            "adviser", "need_type", "provider", "total"):
        mix[adviser][need][provider] += count
    teams = {team.pk: (team, set(team.members.values_list("pk", flat=True)))
             for team in Team.objects.filter(firm=firm).prefetch_related("members")}
    from klantbelang.products.models import Provider

    provider_names = dict(Provider.objects.filter(pk__in={provider for needs in mix.values() for providers in
                                                          needs.values() for provider in providers}).values_list(
        "pk", "name"))
    names = dict(User.objects.filter(pk__in=list(per_adviser) + list(mix)).values_list("pk", "full_name"))
    found = []
    for level, sums, half_sums, mixes in (("adviser", per_adviser, halves, mix),
                                          ("team", *_by_team(per_adviser, halves, mix, teams))):
        for signal in (signals.period_end_spikes(sums) + signals.deviation_rates(sums)
                       + signals.replacements(sums) + signals.volume_against_findings(half_sums)
                       + signals.concentration(mixes, provider_names)):
            if level == "adviser":
                if only is not None and signal.group not in only:
                    continue
                signal.label = names.get(signal.group, "?")
                signal.files = {**signal.files, "lead": signal.group}
            else:
                if only is not None:
                    continue
                signal.label = teams[signal.group][0].name
                signal.files = {**signal.files, "team": signal.group}
            signal.level = level
            found.append(signal)
    return found


def _by_team(per_adviser, halves, mix, teams):
    sums: dict = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    half_sums: dict = defaultdict(lambda: defaultdict(lambda: [[0.0, 0.0], [0.0, 0.0]]))
    mixes: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for team_id, (_team, members) in teams.items():
        for adviser in members:
            for metric, (numerator, denominator) in per_adviser.get(adviser, {}).items():
                sums[team_id][metric][0] += numerator
                sums[team_id][metric][1] += denominator
            for metric, parts in halves.get(adviser, {}).items():
                for index in (0, 1):
                    half_sums[team_id][metric][index][0] += parts[index][0]
                    half_sums[team_id][metric][index][1] += parts[index][1]
            for need, providers in mix.get(adviser, {}).items():
                for provider, count in providers.items():
                    mixes[team_id][need][provider] += count
    return sums, half_sums, mixes


# File checks and goals -------------------------------------------------------------------------

def sample(firm, *, module: str, start: datetime.date, end: datetime.date, advisers=None, size: int = 5) -> list:
    """A random sample of the period's released files for a manager's file check; the same
    period and module give the same sample, so two managers see the same files. Random points in
    the range of release ids, each taking the next first release in the period: a few index
    look-ups, however large the book."""
    from django.db.models import Max, Min

    from klantbelang.advice.models import AdviceCase, AdviceVersion

    zone = timezone.get_current_timezone()
    releases = AdviceVersion.objects.filter(
        number=1, case__firm=firm,
        released_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        released_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone))
    if advisers is not None:
        releases = releases.filter(case__lead__in=advisers)
    bounds = releases.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    rng = random.Random(f"{firm.pk}:{module}:{start}:{end}")  # noqa: S311 - a reproducible sample, not a secret
    chosen: list[int] = []
    for _point in range(size * 2):  # always as many look-ups, so the page's queries stay constant
        found = releases.filter(pk__gte=rng.randint(bounds["low"], bounds["high"])).order_by("pk").values_list(
            "case", flat=True).first()
        if found is not None and found not in chosen:
            chosen.append(found)
    return list(AdviceCase.objects.filter(pk__in=chosen[:size]).select_related("client", "lead").order_by("pk"))


@transaction.atomic
def record_file_check(*, case, by, module: str, outcome: str, note: str = "") -> FileCheck:
    if not (by.firm is not None and by.firm.pk == case.firm_id and by.has_any_role({Role.MANAGER, Role.ADMIN})):
        raise PermissionDenied
    if outcome == FileCheck.Outcome.FINDINGS and not note.strip():
        raise ValidationError({"note": _("Describe what the check found.")})
    check = FileCheck.objects.create(firm=case.firm, module=module, case=case, checked_by=by, outcome=outcome,
                                     note=note.strip())
    record_audit(actor=by, action="quality.file_checked", obj=case,
                 changes={"module": {"before": None, "after": module}, "outcome": {"before": None, "after": outcome}})
    return check


@transaction.atomic
def set_goal(*, firm, by, module: str, target: int | None, team: Team | None = None) -> QualityGoal | None:
    """A target maturity score for a module (firm-wide or for a team); None removes it."""
    if not (by.firm == firm and by.has_any_role({Role.MANAGER, Role.ADMIN})):
        raise PermissionDenied
    if team is not None and team.firm_id != firm.pk:
        raise ValidationError({"team": _("Choose a team of this firm.")})
    if target is not None and not 1 <= target <= 5:
        raise ValidationError({"target": _("A target score lies between 1 and 5.")})
    goal = QualityGoal.objects.filter(firm=firm, module=module, team=team).first()
    before = field_values(goal, ["target"]) if goal else {}
    if target is None:
        if goal is not None:
            record_audit(actor=by, action="quality.goal_removed", obj=goal, changes=diff(before, {}))
            goal.delete()
        return None
    goal = goal or QualityGoal(firm=firm, module=module, team=team, set_by=by, target=target)
    goal.target, goal.set_by, goal.set_at = target, by, timezone.now()
    goal.save()
    record_audit(actor=by, action="quality.goal_set", obj=goal, changes=diff(before, field_values(goal, ["target"])))
    return goal
