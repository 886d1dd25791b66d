"""The inventory, section by section, as the conversation goes. Each section turns profile data
into a form (or formset) and the cleaned form back into profile changes."""

import datetime

from django import forms
from django.forms import formset_factory
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from klantbelang.accounts.models import Team, User
from klantbelang.core.forms import DateInput
from klantbelang.core.needs import NeedType
from klantbelang.core.roles import Role
from klantbelang.planning import load_parameters
from klantbelang.products.models import Category

from .models import Person
from .profile_data import RISK_QUESTIONS

DATE = DateInput()
MONEY = {"min_value": 0, "max_value": 100_000_000, "required": False}


YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]
ENERGY_LABELS = ["A++++ EPG", "A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G"]


def _yes_no(label):
    return forms.TypedChoiceField(label=label, coerce=lambda value: value == "yes", choices=YES_NO, required=False,
                                  empty_value=None)


def _as_yes_no(value) -> str:
    return "" if value is None else ("yes" if value else "no")


def _choices(values, labels):
    return [(value, labels.get(value, value)) for value in values]


INCOME_SOURCE_LABELS = {"employment": pgettext_lazy("income source", "Employment"),
                        "self_employment": _("Own business"), "pension": _("Pension"),
                        "benefit": _("Benefit"), "other": _("Other")}
PERSON_LABELS = {"client": _("Client"), "partner": _("Partner")}
OBJECTIVE_LABELS = {"buy_home": _("Buy a home"), "retire_early": _("Retire early"),
                    "children_study": _("Children's study"), "protect_income": _("Protect income"),
                    "build_wealth": _("Build wealth"), "leave_legacy": _("Leave a legacy"),
                    "pay_off_mortgage": _("Pay off the mortgage"), "other": _("Other")}
PRIORITY_LABELS = {"need": _("Need"), "want": _("Want"), "wish": _("Wish")}
EVENT_LABELS = {"marriage": _("Marriage or partnership"), "child": _("Child born"), "home_purchase": _("Home bought"),
                "job_change": _("New job"), "self_employment": _("Started a business"), "divorce": _("Divorce"),
                "death_of_partner": _("Death of partner"), "retirement": _("Retirement")}
LEVEL_LABELS = {"basic": _("Basic"), "informed": _("Informed"), "advanced": _("Advanced")}


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Household name"), max_length=200)
    first_name = forms.CharField(label=_("First name of the client"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False,
                               help_text=_("Dutch (1234 AB) or Belgian (1000)."))
    responsible_adviser = forms.ModelChoiceField(label=_("Responsible adviser"), queryset=User.objects.none())
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    # Shown only once households with the same person were found (views.client_create).
    create_anyway = forms.BooleanField(label=_("This is another household: create it anyway"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        advisers = User.objects.filter(memberships__firm=user.firm, memberships__role=Role.ADVISER).distinct()
        self.fields["responsible_adviser"].queryset = advisers
        self.fields["team"].queryset = Team.objects.visible_to(user)
        if user.has_role(Role.ADVISER):
            self.fields["responsible_adviser"].initial = user.pk


class PersonForm(forms.ModelForm):
    vulnerability_consent = forms.BooleanField(label=_("The person consents to recording this"), required=False)

    class Meta:
        model = Person
        fields = ["role", "first_name", "last_name", "date_of_birth", "email", "phone", "relationship_status",
                  "employment", "is_vulnerable", "vulnerability_note"]
        widgets = {"date_of_birth": DATE}

    def clean(self):
        data = super().clean()
        if data.get("is_vulnerable") and not (data.get("vulnerability_consent")
                                              or (self.instance and self.instance.vulnerability_consent_at)):
            self.add_error("vulnerability_consent", _("Record a vulnerability only with the person's consent."))
        return data


class IncomeForm(forms.Form):
    person = forms.ChoiceField(label=_("Whose"), choices=_choices(("client", "partner"), PERSON_LABELS))
    source = forms.ChoiceField(label=_("Source"), choices=_choices(
        ("employment", "self_employment", "pension", "benefit", "other"), INCOME_SOURCE_LABELS))
    gross_yearly = forms.FloatField(label=_("Gross a year (€)"), **MONEY)


class FinancesForm(forms.Form):
    savings = forms.FloatField(label=_("Savings (€)"), **MONEY)
    investments = forms.FloatField(label=_("Investments (€)"), **MONEY)
    home_value = forms.FloatField(label=_("Value of the home (€, 0 if renting)"), **MONEY)
    energy_label = forms.ChoiceField(label=_("Energy label of the home"), required=False,
                                     choices=[("", "—"), *[(label, label) for label in ENERGY_LABELS]])
    rebuild_value = forms.FloatField(label=_("Rebuild value of the home (€)"), **MONEY)
    other_assets = forms.FloatField(label=_("Other assets (€)"), **MONEY)
    monthly_commitments = forms.FloatField(label=_("Fixed commitments a month, housing included (€)"), **MONEY)
    student_debt_monthly = forms.FloatField(label=_("Student debt: monthly repayment (€)"), **MONEY)


class MortgagePartForm(forms.Form):
    amount = forms.FloatField(label=_("Loan part (€)"), **MONEY)
    rate_pct = forms.FloatField(label=_("Interest (%)"), min_value=0, max_value=20, required=False)
    fixed_until = forms.DateField(label=_("Fixed rate until"), widget=DATE, required=False)
    repayment = forms.ChoiceField(label=_("Repayment"), required=False, choices=[
        ("annuity", _("Annuity")), ("linear", _("Linear")), ("interest_only", _("Interest only"))])


class PensionForm(forms.Form):
    def __init__(self, *args, birth_date: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date

    def clean_aow_age(self):
        """The AOW age follows from the date of birth by law; a different one cannot be right."""
        age = self.cleaned_data.get("aow_age")
        if age is None or self.birth_date is None:
            return age
        years, months = load_parameters().aow_age(self.birth_date)
        if abs(age - (years + months / 12)) > 0.001:
            raise forms.ValidationError(
                _("For a date of birth of %(born)s the AOW age is %(years)s years and %(months)s months.")
                % {"born": date_format(self.birth_date, "SHORT_DATE_FORMAT"), "years": years, "months": months})
        return age

    employer_scheme = forms.TypedChoiceField(label=_("Builds a pension with an employer"), coerce=lambda v: v == "yes",
                                             choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
                                             required=False, empty_value=None)
    expected_yearly = forms.FloatField(label=_("Expected pension a year, without AOW (€)"), **MONEY)
    aow_age = forms.FloatField(label=_("State pension (AOW) age"), min_value=60, max_value=75, required=False)
    annuities = forms.FloatField(label=_("Annuities a year (€)"), **MONEY)


class PersonPensionForm(forms.Form):
    person = forms.ChoiceField(label=_("Whose"), choices=_choices(("client", "partner"), PERSON_LABELS))
    provider = forms.CharField(label=_("Pension fund or insurer"), max_length=200, required=False)
    projected_year = forms.FloatField(label=_("Expected at pension age, a year (€)"), **MONEY)
    accrued_year = forms.FloatField(label=_("Accrued so far, a year (€)"), **MONEY)
    partner_pension_year = forms.FloatField(label=_("Partner's pension on death, a year (€)"), **MONEY)
    start_age = forms.FloatField(label=_("Starts at age"), min_value=50, max_value=75, required=False)


class PersonDetailForm(forms.Form):
    """What the scenarios need per person and the profile does not hold elsewhere."""

    person = forms.ChoiceField(label=_("Who"), choices=_choices(("client", "partner"), PERSON_LABELS))
    employer_covers_wia_excess = _yes_no(_("Employer insures the WIA excess"))
    employer_covers_wga_gap = _yes_no(_("Employer insures the WGA gap"))
    work_years = forms.IntegerField(label=_("Years worked"), min_value=0, max_value=60, required=False)
    aow_insured_years = forms.IntegerField(label=_("Years insured for the AOW (of 50)"), min_value=0, max_value=50,
                                           required=False)


class ExistingProductForm(forms.Form):
    category = forms.ChoiceField(label=_("Kind"), choices=Category.choices)
    insured = forms.ChoiceField(label=_("Insured person"), required=False,
                                choices=[("", "—"), *_choices(("client", "partner"), PERSON_LABELS)])
    provider = forms.CharField(label=_("Provider"), max_length=200, required=False)
    code = forms.CharField(label=_("Product code (ISIN)"), max_length=40, required=False,
                           help_text=_("Links the policy to the product on the shelf, for product events."))
    premium_monthly = forms.FloatField(label=_("Premium a month (€)"), **MONEY)
    cover = forms.FloatField(label=_("Insured amount (€)"), **MONEY)
    benefit_year = forms.FloatField(label=_("Benefit a year on disability (€)"), **MONEY)
    start = forms.DateField(label=_("Start"), widget=DATE, required=False)
    end = forms.DateField(label=_("End"), widget=DATE, required=False)


class ObjectiveForm(forms.Form):
    type = forms.ChoiceField(label=_("Goal"), choices=list(OBJECTIVE_LABELS.items()))
    horizon_years = forms.IntegerField(label=_("In how many years"), min_value=0, max_value=80, required=False)
    target_amount = forms.FloatField(label=_("Amount (€)"), **MONEY)
    priority = forms.ChoiceField(label=_("Priority"), choices=list(PRIORITY_LABELS.items()))
    funded = forms.BooleanField(label=_("Already has a plan"), required=False)


RISK_LABELS = {
    "reaction_to_fall": (_("Your investments fall by 20 percent in a year. What do you do?"),
                         [_("Sell everything"), _("Sell a part"), _("Wait"), _("Buy more")]),
    "goal": (_("What matters most to you?"),
             [_("Keeping my money"), _("Steady growth"), _("Growth"), _("The highest return")]),
    "experience_with_swings": (_("How did you feel about ups and downs before?"),
                               [_("Never experienced"), _("Uneasy"), _("Fine"), _("Part of the game")]),
    "share_you_can_miss": (_("Which share of your assets could you miss for ten years?"),
                           [_("None"), _("Up to a quarter"), _("Up to half"), _("More than half")]),
    "patience": (_("How long can you wait for a loss to recover?"),
                 [_("Not at all"), _("A year"), _("Up to five years"), _("As long as it takes")]),
}


class RiskForm(forms.Form):
    horizon_years = forms.IntegerField(label=_("Investment horizon (years)"), min_value=0, max_value=80,
                                       required=False)
    loss_capacity = forms.ChoiceField(label=_("Capacity to bear loss"), required=False, choices=[
        ("", "—"), ("none", _("Cannot bear any loss")), ("limited", _("Can bear a limited loss")),
        ("no_guarantee", _("Needs no capital guarantee")), ("beyond_capital", _("Can bear loss beyond capital"))])
    loss_limit_pct = forms.FloatField(label=_("Largest loss you can bear (%)"), min_value=0, max_value=100,
                                      required=False)
    capacity_confirmed = forms.BooleanField(label=_("The client confirms this capacity for loss"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in RISK_QUESTIONS:
            label, answers = RISK_LABELS[question]
            self.fields[f"q_{question}"] = forms.TypedChoiceField(
                label=label, coerce=int, required=False, empty_value=None, widget=forms.RadioSelect,
                choices=[(index, answer) for index, answer in enumerate(answers, start=1)])


class KnowledgeForm(forms.Form):
    EXPERIENCE = [("none", _("None")), ("some", _("Some")), ("much", _("Much"))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in (("investment", _("Investing")), ("mortgage", _("Mortgages")),
                            ("insurance", _("Insurance")), ("pension", _("Pensions"))):
            self.fields[f"{kind}_experience"] = forms.ChoiceField(
                label=_("Experience with: %(kind)s") % {"kind": label}, choices=[("", "—"), *self.EXPERIENCE],
                required=False)
            self.fields[f"{kind}_understands"] = forms.BooleanField(
                label=_("Understands the main risks of: %(kind)s") % {"kind": label}, required=False)


def knowledge_level(experience: str | None, understands: bool) -> str | None:
    """The answers that lead to a level: no experience is basic; experience with an understanding
    of the risks is informed, much of it advanced."""
    if not experience:
        return None
    if experience == "none" or not understands:
        return "basic"
    return "advanced" if experience == "much" else "informed"


class SustainabilityForm(forms.Form):
    taxonomy_min_pct = forms.FloatField(label=_("(a) Minimum share taxonomy-aligned (%)"), min_value=0,
                                        max_value=100, initial=0)
    sfdr_sustainable_min_pct = forms.FloatField(label=_("(b) Minimum share sustainable investments (SFDR) (%)"),
                                                min_value=0, max_value=100, initial=0)
    pai = forms.BooleanField(label=_("(c) Principal adverse impacts must be considered"), required=False)
    pai_types = forms.MultipleChoiceField(label=_("Which impacts"), required=False,
                                          widget=forms.CheckboxSelectMultiple, choices=[
                                              ("climate", _("Climate")), ("environment", _("Environment")),
                                              ("social", _("Social and employee matters")),
                                              ("governance", _("Human rights and anti-corruption"))])


class LifeEventForm(forms.Form):
    type = forms.ChoiceField(label=_("Event"), choices=list(EVENT_LABELS.items()))
    date = forms.DateField(label=_("Date"), widget=DATE)


IncomeFormSet = formset_factory(IncomeForm, extra=1, can_delete=True)
MortgageFormSet = formset_factory(MortgagePartForm, extra=1, can_delete=True)
ExistingFormSet = formset_factory(ExistingProductForm, extra=1, can_delete=True)
ObjectiveFormSet = formset_factory(ObjectiveForm, extra=1, can_delete=True)
LifeEventFormSet = formset_factory(LifeEventForm, extra=1, can_delete=True)
PersonPensionFormSet = formset_factory(PersonPensionForm, extra=1, can_delete=True)
PersonDetailFormSet = formset_factory(PersonDetailForm, extra=1, can_delete=True)


def _rows(formset, *, required: str) -> list[dict]:
    """The filled, not deleted rows of a formset, dates as ISO text."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or data.get(required) in (None, ""):
            continue
        rows.append({key: value.isoformat() if hasattr(value, "isoformat") else value
                     for key, value in data.items() if key != "DELETE"})
    return rows


def _dated(row: dict, *keys) -> dict:
    return {key: datetime.date.fromisoformat(value) if key in keys and value else value for key, value in row.items()}


class Section:
    """One step of the inventory: ``forms(data, post)`` builds the bound or initial forms,
    ``changes(forms)`` gives the profile changes once they are valid."""

    key = ""
    title = ""

    def forms(self, data, post=None) -> dict:
        raise NotImplementedError

    def changes(self, bound: dict) -> dict:
        raise NotImplementedError


class IncomeSection(Section):
    key, title = "income", _("Income")

    def forms(self, data, post=None):
        return {"rows": IncomeFormSet(post, prefix="income", initial=data["income"])}

    def changes(self, bound):
        return {"income": _rows(bound["rows"], required="gross_yearly")}


class FinancesSection(Section):
    key, title = "finances", _("Assets, mortgage and commitments")

    def forms(self, data, post=None):
        assets = data["assets"]
        home = data.get("home") or {}
        return {
            "main": FinancesForm(post, prefix="finances", initial={
                "savings": assets.get("savings"), "investments": assets.get("investments"),
                "home_value": assets.get("home_value"), "other_assets": assets.get("other"),
                "energy_label": home.get("energy_label") or "", "rebuild_value": home.get("rebuild_value"),
                "monthly_commitments": data.get("monthly_commitments"),
                "student_debt_monthly": data.get("student_debt_monthly")}),
            "rows": MortgageFormSet(post, prefix="mortgage",
                                    initial=[_dated(part, "fixed_until") for part in data["mortgage_parts"]]),
        }

    def changes(self, bound):
        main = bound["main"].cleaned_data
        changes = {"assets": {"savings": main["savings"], "investments": main["investments"],
                              "home_value": main["home_value"], "other": main["other_assets"]},
                   "monthly_commitments": main["monthly_commitments"],
                   "mortgage_parts": _rows(bound["rows"], required="amount")}
        # Fields the older inventory did not have are written once answered (or to clear an answer),
        # so that saving an unchanged form changes nothing.
        initial = bound["main"].initial
        home = {key: main[key] or None for key in ("energy_label", "rebuild_value")
                if main[key] not in (None, "") or initial.get(key) not in (None, "")}
        if home:
            changes["home"] = home
        if main["student_debt_monthly"] is not None or initial.get("student_debt_monthly") is not None:
            changes["student_debt_monthly"] = main["student_debt_monthly"]
        return changes


class PensionSection(Section):
    key, title = "pension", _("Pension")

    def forms(self, data, post=None):
        pension = data["pension"]
        scheme = pension.get("employer_scheme")
        details = [{"person": role, **{key: _as_yes_no(value) if key.startswith("employer") else value
                                        for key, value in values.items()}}
                   for role, values in (data.get("person_details") or {}).items()]
        client = next((person for person in data.get("household", []) if person.get("role") == "client"), {})
        born = datetime.date.fromisoformat(client["date_of_birth"]) if client.get("date_of_birth") else None
        forms = {"main": PensionForm(post, prefix="pension", birth_date=born, initial={
            **pension, "employer_scheme": "" if scheme is None else ("yes" if scheme else "no")})}
        # A post without the per-person rows (an older client of the form) leaves them as they are.
        for key, formset, initial in (("pensions", PersonPensionFormSet, data.get("pensions") or []),
                                      ("details", PersonDetailFormSet, details)):
            if post is None or f"{key}-TOTAL_FORMS" in post:
                forms[key] = formset(post, prefix=key, initial=initial)
        return forms

    def changes(self, bound):
        changes = {"pension": dict(bound["main"].cleaned_data)}
        if "pensions" in bound:
            changes["pensions"] = [{key: value for key, value in row.items() if value not in (None, "")}
                                   for row in _rows(bound["pensions"], required="projected_year")]
        if "details" in bound:
            details = {}
            for row in _rows(bound["details"], required="person"):
                values = {key: value for key, value in row.items() if key != "person" and value is not None}
                if values:
                    details[row["person"]] = values
            changes["person_details"] = details
        return changes


class ExistingProductsSection(Section):
    key, title = "existing", _("Existing products and policies")

    def forms(self, data, post=None):
        return {"rows": ExistingFormSet(post, prefix="existing",
                                        initial=[_dated(item, "start", "end") for item in data["existing_products"]])}

    def changes(self, bound):
        return {"existing_products": _rows(bound["rows"], required="category")}


class OwnWordsForm(forms.Form):
    own_words = forms.CharField(label=_("Your situation and goals in your own words"), required=False,
                                max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ObjectivesSection(Section):
    key, title = "objectives", _("Goals")

    def forms(self, data, post=None):
        return {"main": OwnWordsForm(post, prefix="story", initial={"own_words": data.get("own_words", "")}),
                "rows": ObjectiveFormSet(post, prefix="objectives", initial=data["objectives"])}

    def changes(self, bound):
        return {"own_words": bound["main"].cleaned_data["own_words"],
                "objectives": _rows(bound["rows"], required="type")}


class RiskSection(Section):
    key, title = "risk", _("Risk")

    def forms(self, data, post=None):
        risk = data["risk"]
        initial = {key: risk.get(key) for key in ("horizon_years", "loss_capacity", "loss_limit_pct",
                                                  "capacity_confirmed")}
        initial.update({f"q_{question}": (risk.get("answers") or {}).get(question) for question in RISK_QUESTIONS})
        return {"main": RiskForm(post, prefix="risk", initial=initial)}

    def changes(self, bound):
        data = bound["main"].cleaned_data
        return {"risk": {"answers": {question: data[f"q_{question}"] for question in RISK_QUESTIONS
                                     if data.get(f"q_{question}")},
                         "horizon_years": data["horizon_years"], "loss_capacity": data["loss_capacity"] or None,
                         "loss_limit_pct": data["loss_limit_pct"],
                         "capacity_confirmed": bool(data["capacity_confirmed"] and data["loss_capacity"])}}


class KnowledgeSection(Section):
    key, title = "knowledge", _("Knowledge and experience")
    kinds = ("investment", "mortgage", "insurance", "pension")

    def forms(self, data, post=None):
        answers = data["knowledge"].get("answers") or {}
        initial = {}
        for kind in self.kinds:
            initial[f"{kind}_experience"] = (answers.get(kind) or {}).get("experience")
            initial[f"{kind}_understands"] = (answers.get(kind) or {}).get("understands", False)
        return {"main": KnowledgeForm(post, prefix="knowledge", initial=initial)}

    def changes(self, bound):
        data = bound["main"].cleaned_data
        answers = {kind: {"experience": data[f"{kind}_experience"] or None,
                          "understands": bool(data[f"{kind}_understands"])} for kind in self.kinds}
        levels = {kind: knowledge_level(answer["experience"], answer["understands"])
                  for kind, answer in answers.items()}
        return {"knowledge": {"answers": answers, "levels": {kind: level for kind, level in levels.items() if level}}}


class SustainabilitySection(Section):
    key, title = "sustainability", _("Sustainability preferences")

    def forms(self, data, post=None):
        return {"main": SustainabilityForm(post, prefix="sustainability", initial=data["sustainability"])}

    def changes(self, bound):
        return {"sustainability": {**bound["main"].cleaned_data, "asked": True}}


class LifeEventsSection(Section):
    key, title = "life_events", _("Life events")

    def forms(self, data, post=None):
        return {"rows": LifeEventFormSet(post, prefix="events",
                                         initial=[_dated(event, "date") for event in data["life_events"]])}

    def changes(self, bound):
        return {"life_events": _rows(bound["rows"], required="type")}


SECTIONS = {section.key: section for section in (
    IncomeSection(), FinancesSection(), PensionSection(), ExistingProductsSection(), ObjectivesSection(),
    RiskSection(), KnowledgeSection(), SustainabilitySection(), LifeEventsSection())}
# Sections whose saving means "asked", even when the answer is "none".
ANSWERED_SECTIONS = {"existing": "existing_products", "pension": "pensions"}

NEED_LABELS = dict(NeedType.choices)


class ConsentForm(forms.Form):
    """A client's decision about marketing contact; staff say how it reached them."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=[])
    given = forms.TypedChoiceField(label=_("Decision"), coerce=lambda value: value == "yes",
                                   choices=[("yes", _("Consent given")), ("no", _("Consent withdrawn"))])
    channel = forms.ChoiceField(label=_("How the client told us"), choices=[])

    def __init__(self, *args, portal: bool = False, **kwargs):
        from .models import Consent

        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = Consent.Purpose.choices
        if portal:
            del self.fields["channel"]
        else:
            self.fields["channel"].choices = [(value, label) for value, label in Consent.Channel.choices
                                              if value not in {Consent.Channel.PORTAL, Consent.Channel.ERASURE}]


class ErasureForm(forms.Form):
    reason = forms.CharField(label=_("Request"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Who asked, when, and how their identity was checked."))
    reference = forms.CharField(label=_("Type the client number to confirm"), max_length=30)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_reference(self):
        if self.cleaned_data["reference"].strip() != self.client.reference:
            raise forms.ValidationError(_("This is not the client number of this household."))
        return self.cleaned_data["reference"]
