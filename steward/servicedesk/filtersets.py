"""Filters shared by the service desk's list pages and its API. Choices of related rows are
narrowed to what the requesting user may see (``RestrictedFilterSet``)."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from steward.core.filtersets import (
    IdFilter,
    IdModelChoiceFilter,
    IdModelMultipleChoiceFilter,
    RestrictedFilterSet,
)
from steward.core.models import TaggedItem
from steward.core.ui.lookup import LookupSelect
from steward.servicedesk.models import (
    AssignmentMethod,
    CannedResponse,
    Category,
    Channel,
    CustomerVisibility,
    EntryKind,
    Impact,
    OrganisationSetting,
    Priority,
    PriorityRule,
    RoutingRule,
    SavedQueue,
    Service,
    ServiceStatus,
    Status,
    SurveyResponse,
    TeamSetting,
    Ticket,
    TicketEntry,
    TicketKind,
    TicketLink,
    TicketLinkKind,
    TimeEntry,
    Urgency,
)
from steward.servicedesk.selectors import parse_reference

Person = Ticket._meta.get_field("requester").related_model
Team = Ticket._meta.get_field("team").related_model
Organisation = Ticket._meta.get_field("organisation").related_model
MAX_WINDOW = 60 * 24 * 31


ID_SAFE_DEFAULTS = {
    **FILTER_FOR_DBFIELD_DEFAULTS,
    models.ForeignKey: {
        **FILTER_FOR_DBFIELD_DEFAULTS[models.ForeignKey],
        "filter_class": IdModelChoiceFilter,
    },
    models.OneToOneField: {
        **FILTER_FOR_DBFIELD_DEFAULTS[models.OneToOneField],
        "filter_class": IdModelChoiceFilter,
    },
}


class DeskFilterSet(RestrictedFilterSet):
    """Filters of this app: related-row filters refuse malformed ids with a 400."""

    FILTER_DEFAULTS = ID_SAFE_DEFAULTS


def _person_id(request: Any) -> int | None:
    person = getattr(getattr(request, "user", None), "person", None)
    return person.pk if person is not None else None


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class SearchFilterSet(DeskFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=200)
    search_fields: tuple[str, ...] = ("name",)

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class TicketFilterSet(DeskFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=200)
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices, label=_("Kind"))
    # distinct=False: these are columns of the ticket itself, so several values cannot
    # repeat a row; django-filter's default DISTINCT made the queue sort a million rows.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, distinct=False, label=_("Status")
    )
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    priority = django_filters.TypedMultipleChoiceFilter(
        choices=Priority.choices, coerce=int, distinct=False, label=_("Priority")
    )
    team = IdModelMultipleChoiceFilter(
        queryset=Team.objects.all(), distinct=False, label=_("Assignment group")
    )
    assignee = IdModelChoiceFilter(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("Assignee")
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Assigned to me"))
    my_teams = django_filters.BooleanFilter(method="filter_my_teams", label=_("In my groups"))
    unassigned = django_filters.BooleanFilter(
        field_name="assignee", lookup_expr="isnull", label=_("Unassigned")
    )
    organisation = IdModelChoiceFilter(queryset=Organisation.objects.all(), label=_("Organisation"))
    requester = IdModelChoiceFilter(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("Requester")
    )
    category = IdModelChoiceFilter(
        queryset=Category.objects.select_related("parent"),
        method="filter_category",
        label=_("Category"),
    )
    service = IdModelChoiceFilter(queryset=Service.objects.all(), label=_("Service"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    is_major = django_filters.BooleanFilter(label=_("Major incident"))
    breached = django_filters.BooleanFilter(method="filter_breached", label=_("SLA breached"))
    breaching_within = django_filters.NumberFilter(
        method="filter_breaching_within",
        min_value=0,
        max_value=MAX_WINDOW,
        label=_("Breaching within (minutes)"),
    )
    created_after = django_filters.DateFilter(
        method="filter_created_after", label=_("Created on or after")
    )
    created_before = django_filters.DateFilter(
        method="filter_created_before", label=_("Created on or before")
    )
    tag = django_filters.CharFilter(method="filter_tag", max_length=64, label=_("Tag"))

    class Meta:
        model = Ticket
        fields = [
            "q",
            "kind",
            "status",
            "open",
            "priority",
            "team",
            "assignee",
            "mine",
            "my_teams",
            "unassigned",
            "organisation",
            "requester",
            "category",
            "service",
            "channel",
            "is_major",
            "breached",
            "breaching_within",
            "created_after",
            "created_before",
            "tag",
        ]

    def filter_q(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        """A reference finds its ticket; otherwise every word must appear in the reference,
        title or description. The one place to swap in a full-text backend."""
        value = value.strip()
        if not value:
            return queryset
        number = parse_reference(value)
        if number is not None:
            return queryset.filter(reference__in=[f"INC-{number:06d}", f"REQ-{number:06d}"])
        from steward.servicedesk.search import ticket_match  # full-text (reports area)

        # The list sorts by its own columns: the match without ranking every row of it.
        return ticket_match(queryset, value)

    def filter_open(self, queryset: QuerySet[Ticket], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        return queryset.open() if value else queryset.done()

    def filter_mine(self, queryset: QuerySet[Ticket], name: str, value: bool | None) -> Any:
        if not value:
            return queryset
        me = _person_id(self.request)
        return queryset.filter(assignee_id=me) if me else queryset.none()

    def filter_my_teams(self, queryset: QuerySet[Ticket], name: str, value: bool | None) -> Any:
        if not value:
            return queryset
        me = _person_id(self.request)
        if me is None:
            return queryset.none()
        return queryset.filter(team__in=Team.objects.filter(members__id=me))

    def filter_category(self, queryset: QuerySet[Ticket], name: str, value: Any) -> Any:
        """A category matches its subcategories too."""
        if value is None:
            return queryset
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_breached(self, queryset: QuerySet[Ticket], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        breached = Q(response_breached=True) | Q(resolution_breached=True)
        return queryset.filter(breached) if value else queryset.exclude(breached)

    def filter_breaching_within(self, queryset: QuerySet[Ticket], name: str, value: Any) -> Any:
        if value is None:
            return queryset
        return queryset.breaching_within(int(value))

    def filter_created_after(self, queryset: QuerySet[Ticket], name: str, value: Any) -> Any:
        return queryset.filter(created_at__gte=_day_start(value)) if value else queryset

    def filter_created_before(self, queryset: QuerySet[Ticket], name: str, value: Any) -> Any:
        if not value:
            return queryset
        return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def filter_tag(self, queryset: QuerySet[Ticket], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return queryset
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket),
            object_id=Cast(OuterRef("pk"), CharField()),
        ).filter(Q(tag__slug=value) | Q(tag__name__iexact=value))
        return queryset.filter(Exists(tagged))


class TicketEntryFilterSet(DeskFilterSet):
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    author = IdModelChoiceFilter(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("Author")
    )
    ticket = IdFilter(field_name="ticket_id", label=_("Ticket"))

    class Meta:
        model = TicketEntry
        fields = ["ticket", "kind", "channel", "author"]


class TicketLinkFilterSet(DeskFilterSet):
    kind = django_filters.ChoiceFilter(choices=TicketLinkKind.choices)
    source = IdFilter(field_name="source_id", label=_("Ticket"))
    target = IdFilter(field_name="target_id", label=_("Linked ticket"))

    class Meta:
        model = TicketLink
        fields = ["source", "target", "kind"]


class TimeEntryFilterSet(DeskFilterSet):
    ticket = IdFilter(field_name="ticket_id", label=_("Ticket"))
    person = IdModelChoiceFilter(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("Person")
    )
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = TimeEntry
        fields = ["ticket", "person", "date_after", "date_before"]


class CategoryFilterSet(SearchFilterSet):
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices)
    top_level = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label=_("Top level")
    )

    class Meta:
        model = Category
        fields = ["q", "parent", "kind", "default_team", "is_active", "top_level"]


class ServiceFilterSet(SearchFilterSet):
    search_fields = ("name", "slug", "description")
    status = django_filters.ChoiceFilter(choices=ServiceStatus.choices)

    class Meta:
        model = Service
        fields = ["q", "status", "is_public", "owner_team"]


class PriorityRuleFilterSet(DeskFilterSet):
    impact = django_filters.TypedChoiceFilter(choices=Impact.choices, coerce=int)
    urgency = django_filters.TypedChoiceFilter(choices=Urgency.choices, coerce=int)
    priority = django_filters.TypedChoiceFilter(choices=Priority.choices, coerce=int)

    class Meta:
        model = PriorityRule
        fields = ["impact", "urgency", "priority"]


class RoutingRuleFilterSet(SearchFilterSet):
    search_fields = ("name", "match_keywords")

    class Meta:
        model = RoutingRule
        fields = ["q", "is_active", "set_team", "match_category", "match_organisation"]


class TeamSettingFilterSet(DeskFilterSet):
    assignment = django_filters.ChoiceFilter(choices=AssignmentMethod.choices)

    class Meta:
        model = TeamSetting
        fields = ["team", "assignment"]


class OrganisationSettingFilterSet(DeskFilterSet):
    customer_visibility = django_filters.ChoiceFilter(choices=CustomerVisibility.choices)

    class Meta:
        model = OrganisationSetting
        fields = ["organisation", "customer_visibility"]


class CannedResponseFilterSet(SearchFilterSet):
    search_fields = ("title", "body")

    class Meta:
        model = CannedResponse
        fields = ["q", "team", "is_active"]


class SavedQueueFilterSet(SearchFilterSet):
    class Meta:
        model = SavedQueue
        fields = ["q"]


class SurveyResponseFilterSet(DeskFilterSet):
    ticket = IdFilter(field_name="ticket_id", label=_("Ticket"))
    rating = django_filters.NumberFilter(label=_("Rating"))
    answered = django_filters.BooleanFilter(
        field_name="answered_at", lookup_expr="isnull", exclude=True, label=_("Answered")
    )

    class Meta:
        model = SurveyResponse
        fields = ["ticket", "rating", "answered"]
