"""What the score looks at: a prospect as one row of features, and the training set of closed ones.

Only what is known at intake goes in: who the prospect is, where they came from, what they ask
and how that fits our scope. Never the hours spent, the stage reached or the relationship check:
prospects lost before the check was done would teach the score that "not asked yet" means
"lost", and every new prospect would then score low for a reason that says nothing about them.
The check gates the move to agreement instead (docs/decisions/0003).
"""

import datetime

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from klantbelang.core.domains import Domain
from klantbelang.core.needs import NEED_DOMAINS

from .ml import Columns
from .models import Assets, Audience, Channel, Prospect, ServiceScope, StageKind
from .qualification import scope_fit

NUMERIC = ["age", "household_size", "needs_mentioned", "contact_consent"]
CATEGORICAL = ["channel", "source", "campaign", "audience", "country", "assets", "scope_fit", "main_domain"]
COLUMNS = Columns(numeric=NUMERIC, categorical=CATEGORICAL, codes={"household_size", "needs_mentioned",
                                                                  "contact_consent"})


def feature_labels() -> dict[str, str]:
    return {
        "age": _("Age"), "household_size": _("Household size"), "needs_mentioned": _("Needs mentioned"),
        "contact_consent": _("Consent to be contacted"), "channel": _("Channel"), "source": _("Source"),
        "campaign": _("Campaign"), "audience": _("Situation"), "country": _("Country"),
        "assets": _("Investable assets"), "scope_fit": _("Fit with our scope"), "main_domain": _("Main need"),
    }


def _main_domain(needs: list[str]) -> str | None:
    domains = [str(NEED_DOMAINS[need]) for need in needs if need in NEED_DOMAINS]
    return max(set(domains), key=domains.count) if domains else None


# The prospect's own fields ``rows`` reads: a change to one of them rescores the prospect.
FEATURE_FIELDS = frozenset({"birth_year", "household_size", "stated_needs", "contact_consent", "source", "campaign",
                            "audience", "country", "assets"})


def rows(prospects, *, scope: ServiceScope | None) -> pd.DataFrame:
    """One row per prospect (select_related source and campaign first)."""
    records = []
    for prospect in prospects:
        created = prospect.created_at.date()
        records.append({
            "age": (created.year - prospect.birth_year) if prospect.birth_year else np.nan,
            "household_size": prospect.household_size,
            "needs_mentioned": len(prospect.stated_needs),
            "contact_consent": int(prospect.contact_consent),
            "channel": prospect.source.channel, "source": prospect.source.name,
            "campaign": prospect.campaign.name if prospect.campaign_id else "(none)",
            "audience": prospect.audience, "country": prospect.country, "assets": prospect.assets,
            "scope_fit": scope_fit(needs=prospect.stated_needs, audience=prospect.audience,
                                   country=prospect.country, scope=scope).status,
            "main_domain": _main_domain(prospect.stated_needs),
        })
    return pd.DataFrame.from_records(records, columns=[*NUMERIC, *CATEGORICAL])


def closed_prospects(firm, *, today: datetime.date):
    """Prospects whose outcome is known, with it: lost, left within a year, or a client for a year."""
    candidates = (Prospect.objects.filter(firm=firm)
                  .filter(stage__kind__in=[StageKind.LOST, StageKind.WON])
                  .select_related("source", "campaign", "stage").order_by("pk"))
    closed, outcomes = [], []
    for prospect in candidates.iterator(chunk_size=2000):
        outcome = prospect.outcome(today)
        if outcome is not None:
            closed.append(prospect)
            outcomes.append(int(outcome))
    return closed, np.array(outcomes, dtype=int)


def describe(column: str, value) -> str:
    """A feature value in words, for the factors shown beside a score."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return _("not known")
    choices = {"channel": Channel, "audience": Audience, "assets": Assets, "main_domain": Domain,
               "country": Prospect.Country}
    if column in choices and value in choices[column].values:
        return str(choices[column](value).label)
    if column == "scope_fit":
        return {"in": _("within scope"), "partly": _("partly within scope"), "out": _("outside scope"),
                "unknown": _("not known")}.get(value, str(value))
    if column == "contact_consent":
        return _("yes") if value else _("no")
    if column == "campaign" and value == "(none)":
        return _("none")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
