import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klantbelang.core.needs import NeedType

from .models import Category, Product, Provider


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  widget=forms.TextInput(attrs={"placeholder": _("name, code or provider")}))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    provider = django_filters.ModelChoiceFilter(label=_("Provider"), queryset=Provider.objects.none())
    sri_max = django_filters.NumberFilter(label=_("Risk indicator at most"), field_name="sri", lookup_expr="lte")
    sfdr_article = django_filters.TypedChoiceFilter(label=_("SFDR article"), coerce=int,
                                                    choices=[(6, "6"), (8, "8"), (9, "9")])
    need = django_filters.ChoiceFilter(label=_("Serves the need"), choices=NeedType.choices, method="serves_need")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Product.Status.choices)

    class Meta:
        model = Product
        fields = ["q", "category", "provider", "sri_max", "sfdr_article", "need", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["provider"].queryset = Provider.objects.visible_to(user)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(provider__name__icontains=value))

    def serves_need(self, queryset, name, value):
        # JSON containment differs per database; a text match on the quoted value works on both.
        return queryset.filter(needs_served__icontains=f'"{value}"')
