from django import forms
from django.utils.translation import gettext_lazy as _

from klantbelang.accounts.models import User
from klantbelang.core.domains import Domain
from klantbelang.core.forms import DateInput

from .models import AdviceCase, TimeEntry


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    reason = forms.ChoiceField(label=_("Occasion"), choices=AdviceCase.Reason.choices)
    domains = forms.MultipleChoiceField(label=_("Advice domains"), choices=Domain.choices,
                                        widget=forms.CheckboxSelectMultiple)


class RecommendationForm(forms.Form):
    need_type = forms.CharField(widget=forms.HiddenInput)
    product_code = forms.CharField(label=_("Product (code)"), max_length=40, required=False)
    no_product = forms.BooleanField(label=_("Advise no product"), required=False)
    rationale = forms.CharField(label=_("Why this advice"), widget=forms.Textarea(attrs={"rows": 3}))
    disadvantages = forms.CharField(label=_("Disadvantages and risks"), widget=forms.Textarea(attrs={"rows": 2}),
                                    required=False)
    one_off_cost = forms.DecimalField(label=_("One-off costs (€)"), min_value=0, max_digits=12, decimal_places=2,
                                      required=False)
    yearly_cost = forms.DecimalField(label=_("Costs a year (€)"), min_value=0, max_digits=12, decimal_places=2,
                                     required=False)
    horizon_years = forms.IntegerField(label=_("Over (years)"), min_value=1, max_value=60, initial=1)
    replacement_note = forms.CharField(label=_("Replacing a product: cost and benefit of switching"),
                                       widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deviation_reason = forms.CharField(label=_("Why you deviate from the engine or the target market"),
                                       widget=forms.Textarea(attrs={"rows": 2}), required=False)
    sustainability_adaptation = forms.CharField(label=_("Documented adaptation of sustainability preferences"),
                                                widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        ("approved", _("Approve")), ("changes_requested", _("Request changes"))])

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        for key, text in checklist:
            self.fields[f"{key}_ok"] = forms.BooleanField(label=text, required=False)
            self.fields[f"{key}_comment"] = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class TimeForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"), choices=TimeEntry.Activity.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    on = forms.DateField(label=_("Date"), widget=DateInput())


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note (mention a colleague with @e-mail address)"),
                           widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.visible_to(user).staff()


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
