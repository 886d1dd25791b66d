import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.accounts.models import Team, User
from klantbelang.core.roles import Role

from .models import FileCheck, Module


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            input_formats=["%Y-%m", "%Y-%m-%d"], required=False)
    end = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                          input_formats=["%Y-%m", "%Y-%m-%d"], required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("The whole firm"))
    adviser = forms.ModelChoiceField(label=_("Adviser"), queryset=User.objects.none(), required=False,
                                     empty_label="—")

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(firm=firm)
        self.fields["adviser"].queryset = User.objects.filter(
            memberships__firm=firm, memberships__role=Role.ADVISER).distinct().order_by("full_name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("The end of the period lies after its start."))
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        from .services import month_end, month_start

        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start = month_start(data.get("start") or month_start(today, 11))
        end = min(month_end(month_start(data["end"])), today) if data.get("end") else today
        return start, end


class FileCheckForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FileCheck.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=5000)


class GoalForm(forms.Form):
    module = forms.ChoiceField(label=_("Module"), choices=[(value, label) for value, label in Module.choices
                                                           if value != Module.GOVERNANCE])
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("The whole firm"))
    target = forms.TypedChoiceField(label=_("Target score"), coerce=int, required=False, empty_value=None,
                                    choices=[("", _("No goal"))] + [(level, str(level)) for level in range(1, 6)])

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(firm=firm)
