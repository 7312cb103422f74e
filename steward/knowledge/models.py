"""The knowledge base: articles in categories, their versions, readers' feedback and the
tickets an article helped with.

An article moves draft → review → published → retired (``TRANSITIONS``); who may move it is
decided in ``services`` and ``policies``. ``visibility`` decides who reads a published article:
staff only, every employee, or the public (customer contacts and anonymous visitors).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel


class ArticleCategory(AuditedModel):
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="kb_category_unique"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent=None), name="kb_category_root_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        seen, node = set(), self.parent
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": _("A category cannot be its own ancestor.")})
            seen.add(node.pk)
            node = node.parent


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


TRANSITIONS: dict[str, frozenset[str]] = {
    ArticleStatus.DRAFT: frozenset({ArticleStatus.REVIEW, ArticleStatus.RETIRED}),
    ArticleStatus.REVIEW: frozenset(
        {ArticleStatus.PUBLISHED, ArticleStatus.DRAFT, ArticleStatus.RETIRED}
    ),
    ArticleStatus.PUBLISHED: frozenset({ArticleStatus.RETIRED}),
    ArticleStatus.RETIRED: frozenset({ArticleStatus.DRAFT}),
}
"""Allowed status changes. Publishing needs a review; a retired article goes back to draft."""


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal (IT staff only)")
    EMPLOYEES = "employees", _("Employees")
    PUBLIC = "public", _("Public (customers and anonymous visitors)")


class Article(AuditedModel):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=220, unique=True, help_text=_("The article's address.")
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body"), max_length=200_000, help_text=_("Markdown."))
    category = models.ForeignKey(
        ArticleCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("category"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.EMPLOYEES
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_("Words people search with that the text may not contain, comma-separated."),
    )
    owner = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_articles",
        verbose_name=_("owner"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_reviews",
        verbose_name=_("reviewer"),
        help_text=_("Who reviews this article besides the IT managers."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("submitted by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    helpful_count = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    unhelpful_count = models.PositiveIntegerField(_("not helpful"), default=0, editable=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    source_ticket = models.ForeignKey(
        "servicedesk.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("source ticket"),
    )

    # Counters change on every read and vote; they are kept by plain updates, not audited.
    audit_exclude = ("updated_at", "view_count", "helpful_count", "unhelpful_count")

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "visibility", "title"], name="kb_article_readable"),
            models.Index(fields=["category", "title"], name="kb_article_category"),
            models.Index(fields=["status", "reviewer"], name="kb_article_review"),
            models.Index(fields=["published_at"], name="kb_article_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.slug and self.slug.isdigit():
            raise ValidationError({"slug": _("A slug needs at least one letter.")})
        if self.slug == "add":
            raise ValidationError({"slug": _("This slug is reserved.")})

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class ArticleVersion(AuditedModel):
    """The article's text as saved at one version; the newest row is the current text."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="versions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body"), max_length=200_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class ArticleFeedback(AuditedModel):
    """One reader's "was this helpful?" vote: a signed-in user, or an anonymous visitor known
    by their session. Voting again replaces the earlier vote."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session"), max_length=64, blank=True, editable=False)
    helpful = models.BooleanField(_("helpful"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(user__isnull=False), name="kb_vote_user"
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=Q(user__isnull=True),
                name="kb_vote_session",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(session_key=""), name="kb_vote_has_voter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class ArticleTicketLink(AuditedModel):
    """An article that helped with a ticket, recorded from the agent workspace."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="ticket_links", verbose_name=_("article")
    )
    ticket = models.ForeignKey(
        "servicedesk.Ticket",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("ticket"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("linked by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article ticket link")
        verbose_name_plural = _("article ticket links")
        constraints = [
            models.UniqueConstraint(fields=["article", "ticket"], name="kb_ticket_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.ticket_id}"
