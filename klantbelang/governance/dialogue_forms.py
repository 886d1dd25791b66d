from django import forms
from django.utils.translation import gettext_lazy as _

from klantbelang.core.needs import NeedType

from .models import Contribution, Signal, Topic


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    subject = forms.ChoiceField(label=_("About"), choices=Topic.Subject.choices, widget=forms.RadioSelect)
    product = forms.CharField(label=_("Product code"), max_length=40, required=False)
    need_type = forms.ChoiceField(label=_("Need"), choices=[("", "—"), *NeedType.choices], required=False)
    question = forms.CharField(label=_("What do we want to find out together?"),
                               widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    provider = forms.ModelChoiceField(label=_("Invite the product developers of"), queryset=None, required=False)
    clients_invited = forms.BooleanField(label=_("Open to clients who take part in dialogues"), required=False)

    def __init__(self, *args, firm, developer_provider=None, **kwargs):
        from klantbelang.products.models import Provider

        super().__init__(*args, **kwargs)
        self.firm = firm
        self.fields["provider"].queryset = Provider.objects.filter(firm=firm).order_by("name")
        if developer_provider is not None:  # a developer's topic always invites their own provider
            del self.fields["provider"]

    def clean_product(self):
        from klantbelang.products.models import Product

        code = self.cleaned_data["product"].strip()
        if not code:
            return None
        product = Product.objects.filter(firm=self.firm, code=code).select_related("provider").first()
        if product is None:
            raise forms.ValidationError(_("There is no product with this code on our shelf."))
        return product


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Contribution.Kind.choices)
    text = forms.CharField(label=_("Your contribution"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class AdvanceForm(forms.Form):
    expected_stage = forms.ChoiceField(choices=Topic.Stage.choices, widget=forms.HiddenInput)
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                               required=False)
    decision_signal = forms.IntegerField(label=_("Number of the product signal the manufacturer answered"),
                                         min_value=1, required=False)
    decision_change = forms.CharField(label=_("What we changed in how we work"), max_length=5000, required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.firm = firm

    def clean_decision_signal(self):
        number = self.cleaned_data["decision_signal"]
        if number is None:
            return None
        signal = Signal.objects.filter(firm=self.firm, pk=number).first()
        if signal is None:
            raise forms.ValidationError(_("There is no signal with this number."))
        return signal


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Why hide it"), max_length=300)


class OptInForm(forms.Form):
    show_name = forms.BooleanField(label=_("Show my name instead of a pseudonym"), required=False)
