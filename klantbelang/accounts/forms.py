from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from klantbelang.core.domains import Domain
from klantbelang.core.roles import Role

from .models import Team


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True,
                                                                                          "autocomplete": "email"}))


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(label=_("Language"), choices=[("nl", "Nederlands"), ("en", "English")])
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple)
    teams = forms.ModelMultipleChoiceField(label=_("Teams"), queryset=Team.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    expertise = forms.MultipleChoiceField(label=_("Expertise"), choices=Domain.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.visible_to(user)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the token"), max_length=100,
                           help_text=_("For example the tool or script that will use it."))


class TokenForm(forms.Form):
    token = forms.RegexField(label=_("Code from your authenticator app"), regex=r"^\s*\d{6,8}\s*$",
                             max_length=12, error_messages={"invalid": _("Enter the six digits your app shows.")},
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                           "autofocus": True}))
