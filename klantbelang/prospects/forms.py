import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.accounts.models import User
from klantbelang.core.forms import DateInput
from klantbelang.core.needs import NeedType
from klantbelang.core.roles import Role

from .models import (
    Activity,
    Audience,
    Campaign,
    LostReason,
    Prospect,
    RelationshipCheck,
    ServiceScope,
    Source,
    Stage,
    StageKind,
)


def _advisers(firm):
    return User.objects.filter(memberships__firm=firm, memberships__role=Role.ADVISER, is_active=True).order_by(
        "full_name")


class ProspectForm(forms.ModelForm):
    stated_needs = forms.MultipleChoiceField(label=_("Needs they mention"), choices=NeedType.choices,
                                             widget=forms.CheckboxSelectMultiple, required=False)
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Prospect
        fields = ["first_name", "last_name", "kind", "email", "phone", "birth_year", "household_size", "audience",
                  "country", "assets", "stated_needs", "own_words", "source", "campaign", "contact_consent"]
        widgets = {"own_words": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.filter(firm=firm, active=True)
        self.fields["campaign"].queryset = Campaign.objects.filter(firm=firm).select_related("source")
        self.fields["birth_year"].widget.attrs.update(min=1900, max=timezone.localdate().year)
        self.fields["household_size"].widget.attrs.update(min=1, max=20)
        if self.instance.pk:
            self.fields["edit_version"].initial = self.instance.edit_version

    def clean_birth_year(self):
        value = self.cleaned_data["birth_year"]
        if value is not None and not 1900 <= value <= timezone.localdate().year:
            raise forms.ValidationError(_("Give a year between 1900 and this year."))
        return value

    def clean_household_size(self):
        value = self.cleaned_data["household_size"]
        if not 1 <= value <= 20:
            raise forms.ValidationError(_("Give between 1 and 20 persons."))
        return value


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Move to"), queryset=Stage.objects.none())
    lost_reason = forms.ModelChoiceField(label=_("Lost reason"), queryset=LostReason.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = Stage.objects.filter(firm=firm)
        self.fields["lost_reason"].queryset = LostReason.objects.filter(firm=firm, active=True)


class RelationshipCheckForm(forms.ModelForm):
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RelationshipCheck
        fields = ["contact", "shares_information", "accepts_fee", "horizon", "firm_can_meet", "firm_wants",
                  "firm_note"]
        widgets = dict.fromkeys(("contact", "shares_information", "accepts_fee", "horizon"), forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("contact", "shares_information", "accepts_fee", "horizon"):
            self.fields[name].choices = [choice for choice in self.fields[name].choices if choice[0]]


class TimeForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=720)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AssignForm(forms.Form):
    adviser = forms.ModelChoiceField(label=_("Adviser"), queryset=User.objects.none(), required=False,
                                     empty_label=_("Round-robin among the advisers who fit"))
    note = forms.CharField(label=_("Why this adviser"), max_length=400, required=False)

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = _advisers(firm)


class OverrideForm(forms.Form):
    score = forms.IntegerField(label=_("Score by hand (%)"), min_value=0, max_value=100, required=False,
                               help_text=_("Leave empty to go back to the computed score."))
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)


class FitExceptionForm(forms.Form):
    reason = forms.CharField(label=_("Why we take this prospect on outside our scope"), max_length=500,
                             required=False, help_text=_("Leave empty to withdraw the exception."))


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("The relationship ended on"),
                               widget=DateInput())


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["name", "channel", "active"]


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "source", "target_group", "starts_on", "ends_on", "cost"]
        widgets = {"starts_on": DateInput(),
                   "ends_on": DateInput()}

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.filter(firm=firm)

    def clean_cost(self):
        cost = self.cleaned_data["cost"]
        if cost < 0:
            raise forms.ValidationError(_("A cost cannot be negative."))
        return cost


class ScopeForm(forms.ModelForm):
    needs = forms.MultipleChoiceField(label=_("Needs we serve"), choices=NeedType.choices,
                                      widget=forms.CheckboxSelectMultiple, required=False)
    audiences = forms.MultipleChoiceField(label=_("For whom"), choices=Audience.choices,
                                          widget=forms.CheckboxSelectMultiple, required=False)
    countries = forms.MultipleChoiceField(label=_("Countries"), choices=Prospect.Country.choices,
                                          widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = ServiceScope
        fields = ["needs", "audiences", "countries", "default_capacity", "hourly_cost"]


class CapacityForm(forms.Form):
    adviser = forms.ModelChoiceField(label=_("Adviser"), queryset=User.objects.none())
    max_open = forms.IntegerField(label=_("Open prospects at most"), min_value=0, max_value=500, required=False)
    accepting = forms.BooleanField(label=_("Takes new prospects"), required=False, initial=True)

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = _advisers(firm)


class LostReasonForm(forms.ModelForm):
    class Meta:
        model = LostReason
        fields = ["code", "label_nl", "label_en", "active"]


class StageNamesForm(forms.Form):
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=80)
    name_en = forms.CharField(label=_("Name (English)"), max_length=80)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Arrived from"), widget=DateInput())
    end = forms.DateField(label=_("to"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("The end of the period lies after its start."))
        return cleaned


class ProspectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search")
    stage__kind = django_filters.ChoiceFilter(label=_("Stage"), choices=StageKind.choices)
    source = django_filters.ModelChoiceFilter(label=_("Source"), queryset=Source.objects.none())
    adviser = django_filters.ModelChoiceFilter(label=_("Adviser"), queryset=User.objects.none())

    class Meta:
        model = Prospect
        fields = ["q", "stage__kind", "source", "adviser"]

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["source"].queryset = Source.objects.filter(firm=firm)
        self.filters["adviser"].queryset = _advisers(firm)

    def search(self, queryset, name, value):
        from django.db.models import Q

        for word in value.split()[:4]:
            queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return queryset
