import django_filters
from django.utils.translation import gettext_lazy as _

from .forms import DateInput
from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="icontains")
    actor = django_filters.CharFilter(label=_("Who"), field_name="actor_label", lookup_expr="icontains")
    object_type = django_filters.CharFilter(label=_("Object type"), lookup_expr="icontains")
    object_id = django_filters.CharFilter(label=_("Object id"))
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="created_at", lookup_expr="date__gte",
        widget=DateInput(),
    )
    date_to = django_filters.DateFilter(
        label=_("Up to and including"), field_name="created_at", lookup_expr="date__lte",
        widget=DateInput(),
    )

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "object_type", "object_id", "date_from", "date_to"]
