"""The marketing report: per source and campaign, what prospects brought and what they cost.

Marketing steers on lasting clients, not on lead volume: next to prospects and clients won it
shows how many were still a client a year later, and the adviser time spent on prospects that
were lost or left within a year ("time lost on bad prospects").
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from .models import Campaign, LostReason, Prospect, ProspectTime, ServiceScope, Source, classify


@dataclass
class Line:
    key: int | None
    label: str
    prospects: int = 0
    minutes: int = 0
    won: int = 0
    lasting: int = 0
    left_within_year: int = 0
    not_yet_known: int = 0
    lost: int = 0
    open: int = 0
    minutes_lost: int = 0
    campaign_cost: Decimal = Decimal(0)
    lost_reasons: Counter = field(default_factory=Counter)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def hours_lost(self) -> float:
        return round(self.minutes_lost / 60, 1)

    def cost_lost(self, hourly: Decimal) -> Decimal:
        return (Decimal(self.minutes_lost) * hourly / 60).quantize(Decimal("0.01"))

    def cost_per_lasting_client(self, hourly: Decimal) -> Decimal | None:
        if not self.lasting:
            return None
        return ((self.campaign_cost + Decimal(self.minutes) * hourly / 60) / self.lasting).quantize(Decimal("0.01"))

    @property
    def lasting_rate(self) -> float | None:
        decided = self.lasting + self.left_within_year + self.lost
        return round(self.lasting / decided, 3) if decided else None


def summarise(records, *, by: str, labels: dict, today: datetime.date, costs: dict | None = None) -> list[Line]:
    """``records``: dicts with source, campaign, kind, won_on, ended_on, lost_reason, minutes."""
    lines: dict = {}
    for record in records:
        key = record[by]
        line = lines.get(key) or lines.setdefault(key, Line(key=key, label=labels.get(key, "—")))
        outcome = classify(kind=record["kind"], won_on=record["won_on"], ended_on=record["ended_on"], today=today)
        line.prospects += 1
        line.minutes += record["minutes"]
        line.won += record["won_on"] is not None
        setattr(line, outcome, getattr(line, outcome) + 1)
        if outcome in ("lost", "left_within_year"):
            line.minutes_lost += record["minutes"]
        if outcome == "lost" and record["lost_reason"] is not None:
            line.lost_reasons[record["lost_reason"]] += 1
    for key, cost in (costs or {}).items():
        if key in lines:
            lines[key].campaign_cost = cost
    return sorted(lines.values(), key=lambda line: (-line.lasting, line.label))


def marketing_report(*, firm, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    """Prospects that arrived between start and end (inclusive), grouped per source and campaign."""
    prospects = Prospect.objects.filter(firm=firm, created_at__date__gte=start, created_at__date__lte=end)
    minutes = dict(ProspectTime.objects.filter(prospect__in=prospects.values("pk")).values("prospect_id")
                   .annotate(total=Sum("minutes")).values_list("prospect_id", "total"))
    records = [{"source": source, "campaign": campaign, "kind": kind, "won_on": won_on, "ended_on": ended_on,
                "lost_reason": lost_reason, "minutes": minutes.get(pk, 0)}
               for pk, source, campaign, kind, won_on, ended_on, lost_reason in prospects.values_list(
                   "pk", "source_id", "campaign_id", "stage__kind", "won_on", "ended_on", "lost_reason_id")]
    sources = {source.pk: source for source in Source.objects.filter(firm=firm)}
    campaigns = list(Campaign.objects.filter(firm=firm).select_related("source"))
    campaign_costs = {campaign.pk: campaign.cost for campaign in campaigns}
    source_costs = defaultdict(Decimal)
    for campaign in campaigns:
        if campaign.starts_on <= end and (campaign.ends_on is None or campaign.ends_on >= start):
            source_costs[campaign.source_id] += campaign.cost
    scope = ServiceScope.objects.filter(firm=firm).first()
    hourly = scope.hourly_cost if scope else Decimal(95)
    by_source = summarise(records, by="source", labels={pk: source.name for pk, source in sources.items()},
                          today=today, costs=dict(source_costs))
    by_campaign = summarise([record for record in records if record["campaign"] is not None], by="campaign",
                            labels={campaign.pk: campaign.name for campaign in campaigns}, today=today,
                            costs=campaign_costs)
    reasons = {reason.pk: reason.label for reason in LostReason.objects.filter(firm=firm)}
    return {"start": start, "end": end, "hourly_cost": hourly, "by_source": by_source, "by_campaign": by_campaign,
            "lost_reasons": reasons, "channels": {pk: source.get_channel_display() for pk, source in sources.items()},
            "total": _total(by_source)}


def _total(lines: list[Line]) -> Line:
    total = Line(key=None, label="")
    for line in lines:
        for name in ("prospects", "minutes", "won", "lasting", "left_within_year", "not_yet_known", "lost", "open",
                     "minutes_lost"):
            setattr(total, name, getattr(total, name) + getattr(line, name))
        total.campaign_cost += line.campaign_cost
        total.lost_reasons.update(line.lost_reasons)
    return total
