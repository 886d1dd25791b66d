import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.clients.models import Client
from klantbelang.clients.profile_data import to_match_profile
from klantbelang.core.needs import NeedType

from .models import Category, Product, Provider

PROFILE_FIELDS = ("code", "name", "target_market", "loss_level_pct", "sri", "min_horizon_years", "taxonomy_pct",
                  "sustainable_pct", "pai_considered", "needs_served", "min_entry_age", "max_entry_age",
                  "ongoing_cost_pct")


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  widget=forms.TextInput(attrs={"placeholder": _("name, code or provider")}))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    provider = django_filters.ModelChoiceFilter(label=_("Provider"), queryset=Provider.objects.none())
    sri_max = django_filters.NumberFilter(label=_("Risk indicator at most"), field_name="sri", lookup_expr="lte")
    # A ChoiceFilter, so that the form offers "any" first: a select without an empty choice sends
    # its first value, and every search from the page found only article-6 products (no insurance).
    sfdr_article = django_filters.ChoiceFilter(label=_("SFDR article"),
                                               choices=[("6", _("Article 6")), ("8", _("Article 8")),
                                                        ("9", _("Article 9"))])
    need = django_filters.ChoiceFilter(label=_("Serves the need"), choices=NeedType.choices, method="serves_need")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Product.Status.choices)
    # Reached from a client's page ("products within this client's target market"): a hidden
    # field, since a drop-down of a whole book of clients helps nobody.
    fits_client = django_filters.ModelChoiceFilter(label=_("Within the target market of client"),
                                                   queryset=Client.objects.none(), method="within_target_market",
                                                   widget=forms.HiddenInput)

    class Meta:
        model = Product
        fields = ["q", "category", "provider", "sri_max", "sfdr_article", "need", "status", "fits_client"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["provider"].queryset = Provider.objects.visible_to(user)
        self.filters["fits_client"].queryset = Client.objects.visible_to(user).select_related("current_profile")

    def within_target_market(self, queryset, name, client):
        """Products for which the engine finds no failing axis for the client's current profile."""
        from klantbelang.matching.batch import Catalogue, evaluate_batch
        from klantbelang.matching.profile import parse_profile

        profile = parse_profile(to_match_profile(client.current_profile.data, today=timezone.localdate()))
        candidates = list(queryset.select_related(None).only(*PROFILE_FIELDS))
        result = evaluate_batch([profile], Catalogue([product.to_profile() for product in candidates]))
        eligible = [product.pk for product, ok in zip(candidates, result.eligible[0].tolist(), strict=True) if ok]
        return queryset.filter(pk__in=eligible)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(provider__name__icontains=value))

    def serves_need(self, queryset, name, value):
        # JSON containment differs per database; a text match on the quoted value works on both.
        return queryset.filter(needs_served__icontains=f'"{value}"')
