import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from klantbelang.core.forms import DateInput
from klantbelang.products.models import Product

from .models import ADVISER_CATEGORIES, Category, Signal, Source


class ReportForm(forms.Form):
    product = forms.CharField(label=_("Product code"), max_length=40)
    category = forms.ChoiceField(label=_("Category"), choices=[(value, Category(value).label)
                                                               for value in ADVISER_CATEGORIES])
    description = forms.CharField(label=_("What did you notice?"), widget=forms.Textarea(attrs={"rows": 4}),
                                  max_length=5000)

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.firm = firm

    def clean_product(self):
        code = self.cleaned_data["product"].strip()
        product = Product.objects.filter(firm=self.firm, code=code).select_related("provider").first()
        if product is None:
            raise forms.ValidationError(_("There is no product with this code on our shelf."))
        return product


class TriageForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (Signal.Status.ACCEPTED, _("Accept")), (Signal.Status.MERGED, _("Merge into another signal")),
        (Signal.Status.DISMISSED, _("Dismiss"))])
    merged_into = forms.IntegerField(label=_("Number of the signal to merge into"), required=False, min_value=1)
    note = forms.CharField(label=_("Why (required when dismissing)"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False, max_length=2000)


class SignalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Signal.Status.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    product = django_filters.CharFilter(label=_("Product code"), field_name="product__code", lookup_expr="iexact")

    class Meta:
        model = Signal
        fields = ["status", "source", "category", "product"]


class DistributorReportForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None)
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("to"), widget=DateInput())

    def __init__(self, *args, firm, **kwargs):
        from klantbelang.products.models import Provider

        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(firm=firm).order_by("name")


class SentForm(forms.Form):
    sent_to = forms.CharField(label=_("Sent to"), max_length=200)


class ResponseForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"), choices=())
    text = forms.CharField(label=_("The manufacturer's response"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=10000)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items


class ReportPeriodForm(forms.Form):
    """A distributor report covers a whole calendar quarter or year (see ``services.create_report``)."""

    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.TypedChoiceField(label=_("Period"), coerce=int, choices=[
        (0, _("The whole year")), (1, _("First quarter")), (2, _("Second quarter")), (3, _("Third quarter")),
        (4, _("Fourth quarter"))])

    def __init__(self, *args, firm, **kwargs):
        from klantbelang.products.models import Provider

        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(firm=firm).order_by("name")


class ShareForm(forms.Form):
    summary = forms.CharField(label=_("Summary for the manufacturer"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=5000, help_text=_("What the manufacturer's product developers read. "
                                                           "No names, addresses or numbers of clients."))
    provider = forms.ModelChoiceField(label=_("Share with"), queryset=None, required=False,
                                      help_text=_("Only for a signal about a need; a product's signal goes to "
                                                  "its provider."))

    def __init__(self, *args, firm, **kwargs):
        from klantbelang.products.models import Provider

        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(firm=firm).order_by("name")


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class LinkDeveloperForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Product developer"), queryset=None)
    provider = forms.ModelChoiceField(label=_("Works for"), queryset=None)

    def __init__(self, *args, firm, **kwargs):
        from klantbelang.accounts.models import User
        from klantbelang.products.models import Provider

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(memberships__firm=firm,
                                                           memberships__role="product_developer").distinct()
        self.fields["provider"].queryset = Provider.objects.filter(firm=firm).order_by("name")
