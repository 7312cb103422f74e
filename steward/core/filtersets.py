import django_filters
from django.utils.translation import gettext_lazy as _

from steward.core.context import Origin
from steward.core.models import AuditEntry
from steward.core.models.audit import AuditAction


class AuditEntryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="object_repr", lookup_expr="icontains", label=_("Object")
    )
    actor_name = django_filters.CharFilter(lookup_expr="icontains", label=_("Who"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    origin = django_filters.ChoiceFilter(choices=Origin.choices)
    since = django_filters.IsoDateTimeFilter(
        field_name="timestamp", lookup_expr="gte", label=_("Since")
    )
    request_id = django_filters.CharFilter(label=_("Request id"))

    class Meta:
        model = AuditEntry
        fields = ["q", "actor_name", "action", "origin", "since", "request_id"]
