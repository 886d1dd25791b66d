from django import forms
from django.utils.translation import gettext_lazy as _

from klantbelang.core.needs import NeedType
from klantbelang.products.models import Category

from .profile import ProfileError, parse_profile

CLIENT_TYPE_CHOICES = [("retail", _("Retail client")), ("professional", _("Professional client"))]
KNOWLEDGE_CHOICES = [("basic", _("Basic")), ("informed", _("Informed")), ("advanced", _("Advanced"))]
LOSS_CHOICES = [("none", _("Cannot bear any loss")), ("limited", _("Can bear a limited loss")),
                ("no_guarantee", _("Needs no capital guarantee")),
                ("beyond_capital", _("Can bear loss beyond capital"))]
OBJECTIVE_CHOICES = [("preservation", _("Preservation")), ("growth", _("Growth")), ("income", _("Income")),
                     ("hedging", _("Hedging")), ("leveraged", _("Option or leveraged return"))]
SERVICE_CHOICES = [("advice", _("Advice")), ("portfolio_management", _("Portfolio management")),
                   ("non_advised", _("Non-advised")), ("execution_only", _("Execution only"))]


class MatchProfileForm(forms.Form):
    """The client profile of DESIGN.md as a form; valid data becomes a matching ClientProfile."""

    client_type = forms.ChoiceField(label=_("Type of client"), choices=CLIENT_TYPE_CHOICES, initial="retail")
    knowledge = forms.ChoiceField(label=_("Knowledge and experience"), choices=KNOWLEDGE_CHOICES, initial="basic")
    ability_to_bear_loss = forms.ChoiceField(label=_("Ability to bear losses"), choices=LOSS_CHOICES,
                                             initial="limited")
    loss_limit_pct = forms.FloatField(label=_("Maximum loss (%)"), min_value=0, max_value=100, required=False,
                                      initial=10)
    risk_tolerance = forms.IntegerField(label=_("Risk tolerance (SRI 1–7)"), min_value=1, max_value=7, initial=3)
    objectives = forms.MultipleChoiceField(label=_("Objectives"), choices=OBJECTIVE_CHOICES, required=False,
                                           initial=["growth"], widget=forms.CheckboxSelectMultiple)
    horizon_years = forms.FloatField(label=_("Horizon (years)"), min_value=0, max_value=100, initial=5)
    service = forms.ChoiceField(label=_("Service"), choices=SERVICE_CHOICES, initial="advice")
    taxonomy_min_pct = forms.FloatField(label=_("Minimum taxonomy-aligned (%)"), min_value=0, max_value=100,
                                        initial=0)
    sfdr_sustainable_min_pct = forms.FloatField(label=_("Minimum sustainable investments (%)"), min_value=0,
                                                max_value=100, initial=0)
    pai = forms.BooleanField(label=_("Principal adverse impacts must be considered"), required=False)
    need_type = forms.ChoiceField(label=_("Need"), choices=[("", "—"), *NeedType.choices], required=False)
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)
    category = forms.ChoiceField(label=_("Only category"), choices=[("", _("All categories")), *Category.choices],
                                 required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["profile"] = parse_profile(self.profile_json(data))
        except ProfileError as error:
            for name, message in error.errors.items():
                self.add_error(name if name in self.fields else None, message)
        return data

    @staticmethod
    def profile_json(data) -> dict:
        profile = {
            "client_type": data["client_type"], "knowledge": data["knowledge"],
            "ability_to_bear_loss": data["ability_to_bear_loss"], "loss_limit_pct": data.get("loss_limit_pct"),
            "risk_tolerance": data["risk_tolerance"], "objectives": list(data.get("objectives") or []),
            "horizon_years": data["horizon_years"], "service": data["service"],
            "sustainability": {"taxonomy_min_pct": data.get("taxonomy_min_pct") or 0,
                               "sfdr_sustainable_min_pct": data.get("sfdr_sustainable_min_pct") or 0,
                               "pai": bool(data.get("pai"))},
        }
        if data.get("need_type"):
            profile["need_type"] = data["need_type"]
        if data.get("age") is not None:
            profile["age"] = data["age"]
        return profile
