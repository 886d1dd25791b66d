from django import forms
from django.utils.translation import gettext_lazy as _

from klantbelang.clients.forms import EVENT_LABELS
from klantbelang.clients.models import Client
from klantbelang.core.domains import Domain
from klantbelang.core.forms import DateInput

from .models import Complaint, FirmTerms, PeriodicReview, ServiceAgreement


class FirmTermsForm(forms.ModelForm):
    class Meta:
        model = FirmTerms
        fields = ["intro_nl", "intro_en", "staleness_days", "complaint_acknowledge_days", "complaint_resolve_days"]


class AgreementForm(forms.ModelForm):
    domains = forms.MultipleChoiceField(label=_("Advice domains"), choices=Domain.choices,
                                        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ServiceAgreement
        fields = ["domains", "service_kind", "basis", "panel", "fee_model", "fee_amount", "commission_disclosure",
                  "response_days", "review_cadence_months", "client_response_days"]


class ReviewOutcomeForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[
        (value, label) for value, label in PeriodicReview.Status.choices if value != "open"], widget=forms.RadioSelect)
    note = forms.CharField(label=_("Notes (required when declined or not attempted)"), widget=forms.Textarea,
                           required=False)


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(label=_("How satisfied are you? (1–5)"), coerce=int,
                                          choices=[(number, str(number)) for number in range(1, 6)],
                                          widget=forms.RadioSelect)
    would_recommend = forms.TypedChoiceField(label=_("Would you recommend us? (0–10)"), coerce=int,
                                             choices=[(number, str(number)) for number in range(11)],
                                             widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything you want to tell us"), widget=forms.Textarea, required=False,
                              max_length=2000)


class LifeEventReportForm(forms.Form):
    event_type = forms.ChoiceField(label=_("What happened"), choices=list(EVENT_LABELS.items()))
    date = forms.DateField(label=_("When"), widget=DateInput())


class ComplaintForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("What the client says"), widget=forms.Textarea)
    received_on = forms.DateField(label=_("Received"), widget=DateInput())
    product_code = forms.CharField(label=_("About the product (code, optional)"), max_length=40, required=False)
    case = forms.ModelChoiceField(label=_("About the advice file (optional)"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        from klantbelang.advice.models import AdviceCase

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["client"].queryset = Client.objects.visible_to(user)
        self.fields["case"].queryset = AdviceCase.objects.visible_to(user).select_related("client")

    def clean(self):
        from klantbelang.products.models import Product

        data = super().clean()
        code = (data.get("product_code") or "").strip()
        data["product"] = None
        if code:
            data["product"] = Product.objects.visible_to(self.user).filter(code=code).first()
            if data["product"] is None:
                self.add_error("product_code", _("No product with this code on the shelf."))
        if data.get("case") and data.get("client") and data["case"].client_id != data["client"].pk:
            self.add_error("case", _("That advice file belongs to another client."))
        return data


class ComplaintStepForm(forms.Form):
    analysis = forms.CharField(label=_("Analysis"), widget=forms.Textarea, required=False)
    root_cause = forms.ChoiceField(label=_("Root cause"), choices=[("", "—"), *Complaint.RootCause.choices],
                                   required=False)
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea, required=False)
