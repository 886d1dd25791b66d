from django import forms
from django.utils.translation import gettext_lazy as _

from .importing import MAX_BYTES
from .models import Category

FORMAT_CHOICES = [("", _("Recognise from the file")), ("emt", _("FinDatEx EMT (CSV)")),
                  ("csv", _("klantbelang layout, CSV")), ("xlsx", _("klantbelang layout, Excel (XLSX)")),
                  ("json", _("klantbelang layout, JSON"))]


class ProductUploadForm(forms.Form):
    file = forms.FileField(label=_("Product file"))
    file_format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)
    provider = forms.CharField(label=_("Provider (for an EMT file)"), max_length=200, required=False,
                               help_text=_("The manufacturer that produced the EMT file."))
    category = forms.ChoiceField(label=_("Category (for an EMT file)"), choices=Category.choices,
                                 initial=Category.INVESTMENT_FUND)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
