import datetime

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klantbelang.accounts.models import Team, User
from klantbelang.core.domains import Domain

from .models import DOMAIN_BITS, Client, Person


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  widget=forms.TextInput(attrs={"placeholder": _("name or client number")}))
    adviser = django_filters.ModelChoiceFilter(label=_("Responsible adviser"), field_name="responsible_adviser",
                                               queryset=User.objects.none())
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.none())
    missing = django_filters.ChoiceFilter(label=_("Missing information for"), choices=Domain.choices,
                                          method="missing_for")
    recent_life_event = django_filters.BooleanFilter(label=_("Life event in the last 90 days"),
                                                     method="recent_event", widget=forms.CheckboxInput)

    class Meta:
        model = Client
        fields = ["q", "adviser", "team", "missing", "recent_life_event"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        firm_people = User.objects.filter(memberships__firm=user.firm, memberships__role="adviser").distinct()
        self.filters["adviser"].queryset = firm_people
        self.filters["team"].queryset = Team.objects.visible_to(user)

    def search(self, queryset, name, value):
        # Uncorrelated subqueries, each answered from its own (trigram, on PostgreSQL) index and
        # hashed once, instead of matching every household's text or probing its persons per row.
        names = Client.objects.filter(name__icontains=value).values("pk")
        references = Client.objects.filter(reference__icontains=value).values("pk")
        persons = Person.objects.filter(last_name__icontains=value).values("client_id")
        return queryset.filter(Q(pk__in=names) | Q(pk__in=references) | Q(pk__in=persons))

    def missing_for(self, queryset, name, value):
        return queryset.alias(gap=F("missing_mask").bitand(DOMAIN_BITS[value])).filter(gap__gt=0)

    def recent_event(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(last_life_event_on__gte=timezone.localdate() - datetime.timedelta(days=90))
