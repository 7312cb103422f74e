import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.filtersets import RestrictedFilterSet
from steward.core.ui.lookup import LookupSelect
from steward.knowledge import fts
from steward.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleFeedback,
    ArticleStatus,
    ArticleTicketLink,
    ArticleVersion,
    Visibility,
)


class ArticleFilterSet(RestrictedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=200)
    category = django_filters.ModelChoiceFilter(
        queryset=ArticleCategory.objects.all(), method="in_category", label=_("Category")
    )
    status = django_filters.ChoiceFilter(choices=ArticleStatus.choices)
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices)

    class Meta:
        model = Article
        fields = ["q", "category", "status", "visibility"]

    def search(self, queryset, name, value):  # type: ignore[no-untyped-def]
        """Ranked full-text search (best first); the list's own sort still applies when the
        reader picks a column."""
        words = fts.terms(value)
        return fts.ranked(queryset, words) if words else queryset

    def in_category(self, queryset, name, value):  # type: ignore[no-untyped-def]
        """The category and its direct subcategories."""
        if value is None:
            return queryset
        return queryset.filter(Q(category=value) | Q(category__parent=value))


class ArticleCategoryFilterSet(RestrictedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = ArticleCategory
        fields = ["q", "parent"]


def _article_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        queryset=Article.objects.all(), widget=LookupSelect(Article), label=_("Article")
    )


class ArticleVersionFilterSet(RestrictedFilterSet):
    article = _article_filter()

    class Meta:
        model = ArticleVersion
        fields = ["article"]


class ArticleFeedbackFilterSet(RestrictedFilterSet):
    article = _article_filter()

    class Meta:
        model = ArticleFeedback
        fields = ["article", "helpful"]


class ArticleTicketLinkFilterSet(RestrictedFilterSet):
    article = _article_filter()
    ticket = django_filters.NumberFilter(field_name="ticket_id", min_value=1, label=_("Ticket id"))

    class Meta:
        model = ArticleTicketLink
        fields = ["article", "ticket"]
