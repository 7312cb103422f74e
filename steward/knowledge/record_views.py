"""Staff pages of the knowledge base's records: categories, versions, readers' votes and
ticket links (generic list and detail pages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from steward.core.ui.views import Column, ObjectDetailView, ObjectListView
from steward.knowledge import filtersets
from steward.knowledge.models import (
    ArticleCategory,
    ArticleFeedback,
    ArticleTicketLink,
    ArticleVersion,
)


class CategoryList(ObjectListView):
    model, url_prefix = ArticleCategory, "knowledge:articlecategory"
    filterset_class = filtersets.ArticleCategoryFilterSet
    select_related = ("parent",)
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("parent", _("Parent")),
        Column("description", _("Description")),
        Column("order", _("Order"), sort="order"),
    ]


class CategoryDetail(ObjectDetailView):
    model, url_prefix, select_related = ArticleCategory, "knowledge:articlecategory", ("parent",)
    tabs = ("history",)
    fields = [
        Column("parent", _("Parent")),
        Column("description", _("Description")),
        Column("order", _("Order")),
    ]


class VersionList(ObjectListView):
    model, url_prefix = ArticleVersion, "knowledge:articleversion"
    filterset_class = filtersets.ArticleVersionFilterSet
    select_related = ("article", "author")
    columns = [
        Column("title", _("Title")),
        Column("number", _("Version"), sort="number"),
        Column("author", _("Author")),
        Column("note", _("Note")),
        Column("created_at", _("Saved"), sort="created_at"),
    ]


class VersionDetail(ObjectDetailView):
    model, url_prefix = ArticleVersion, "knowledge:articleversion"
    select_related = ("article", "author")
    tabs = ("history",)
    fields = [
        Column("article", _("Article")),
        Column("number", _("Version")),
        Column("author", _("Author")),
        Column("note", _("Note")),
        Column("summary", _("Summary")),
        Column("body", _("Body")),
    ]


class FeedbackList(ObjectListView):
    model, url_prefix = ArticleFeedback, "knowledge:articlefeedback"
    filterset_class = filtersets.ArticleFeedbackFilterSet
    select_related = ("article", "user")
    columns = [
        Column("article", _("Article")),
        Column("helpful", _("Helpful"), sort="helpful"),
        Column("user", _("Reader")),
        Column("comment", _("Comment")),
        Column("created_at", _("When"), sort="created_at"),
    ]


class FeedbackDetail(ObjectDetailView):
    model, url_prefix, select_related = ArticleFeedback, "knowledge:articlefeedback", ("article",)
    tabs = ("history",)
    fields = [
        Column("article", _("Article")),
        Column("helpful", _("Helpful")),
        Column("user", _("Reader")),
        Column("comment", _("Comment")),
    ]


class TicketLinkList(ObjectListView):
    model, url_prefix = ArticleTicketLink, "knowledge:articleticketlink"
    filterset_class = filtersets.ArticleTicketLinkFilterSet
    select_related = ("article", "ticket", "linked_by")
    columns = [
        Column("article", _("Article")),
        Column("ticket", _("Ticket")),
        Column("linked_by", _("Linked by")),
        Column("created_at", _("When"), sort="created_at"),
    ]


class TicketLinkDetail(ObjectDetailView):
    model, url_prefix = ArticleTicketLink, "knowledge:articleticketlink"
    select_related = ("article", "ticket", "linked_by")
    tabs = ("history",)
    fields = [
        Column("article", _("Article")),
        Column("ticket", _("Ticket")),
        Column("linked_by", _("Linked by")),
    ]
