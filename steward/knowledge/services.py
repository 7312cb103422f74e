"""Every state change of the knowledge base.

Keyword-only, atomic, permission checked first, validated with field errors, audited by the
ORM layer, announced on the event bus after commit. Review rules (who may publish) are in
``ensure_can_review``; the lifecycle is ``models.TRANSITIONS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from steward.core import events, permissions
from steward.core.customfields import clean_custom_fields
from steward.core.permissions import MANAGERS
from steward.knowledge.models import (
    TRANSITIONS,
    Article,
    ArticleFeedback,
    ArticleStatus,
    ArticleTicketLink,
    ArticleVersion,
    Visibility,
)
from steward.knowledge.policies import REVIEWERS

EDITABLE = (
    "title",
    "slug",
    "summary",
    "body",
    "category",
    "visibility",
    "keywords",
    "owner",
    "reviewer",
    "custom_fields",
)
CONTENT = ("title", "summary", "body")
"""Changes to these make a new version."""
TICKET_DONE = ("resolved", "closed")
RESERVED_SLUGS = frozenset({"add"})
"""Slugs that would collide with the app's own addresses."""


def _person_of(user: Any) -> Any:
    from steward.org.selectors import person_for_user

    return person_for_user(user)


def _locked(article: Article) -> Article:
    return Article._base_manager.select_for_update().get(pk=article.pk)


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200].strip("-") or "article"
    if base.isdigit() or base in RESERVED_SLUGS:
        base = f"article-{base}"
    same_start = Article._base_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        same_start = same_start.exclude(pk=exclude_pk)
    taken = set(same_start.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(article: Article, data: Mapping[str, Any]) -> list[str]:
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    changed = []
    for name, value in data.items():
        if name == "custom_fields":
            value = clean_custom_fields(Article, value or {})
        if name in {"category", "owner", "reviewer"}:
            current = getattr(article, f"{name}_id")
            new = getattr(value, "pk", value)
        else:
            current, new = getattr(article, name), value
        if current != new:
            changed.append(name)
        setattr(article, name, value)
    reviewer = article.reviewer if "reviewer" in changed else None
    if reviewer is not None and not permissions.has_role(reviewer, *REVIEWERS):
        raise ValidationError({"reviewer": _("The reviewer must be an agent or IT manager.")})
    return changed


def _new_version(article: Article, actor: Any, note: str) -> ArticleVersion:
    version = ArticleVersion(
        article=article,
        number=article.version,
        title=article.title,
        summary=article.summary,
        body=article.body,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:200],
    )
    version.save()
    return version


@transaction.atomic
def article_create(*, actor: Any, data: Mapping[str, Any], source_ticket_id: int | None = None,
                   note: str = "") -> Article:  # fmt: skip
    """A new draft (version 1). The author becomes its owner unless ``data`` names one."""
    permissions.ensure(actor, "add", Article)
    article = Article(status=ArticleStatus.DRAFT, version=1, source_ticket_id=source_ticket_id)
    _apply(article, data)
    if not article.slug:
        article.slug = unique_slug(article.title or "")
    if article.owner_id is None:
        article.owner = _person_of(actor)
    article.full_clean()
    article.save()
    _new_version(article, actor, note or _("Created"))
    events.publish("knowledge.article_created", article_id=article.pk)
    return article


@transaction.atomic
def article_update(
    *, article: Article, actor: Any, data: Mapping[str, Any], note: str = ""
) -> Article:
    """Change an article; a change of title, summary or body makes a new version. Retired
    articles are reopened before they are edited."""
    article = _locked(article)
    permissions.ensure(actor, "change", article)
    if article.status == ArticleStatus.RETIRED:
        raise ValidationError(_("A retired article is reopened as a draft before it is edited."))
    changed = _apply(article, data)
    if not changed:
        return article
    if "slug" in changed and not article.slug:
        article.slug = unique_slug(article.title, exclude_pk=article.pk)
    article.full_clean()
    new_version = any(name in CONTENT for name in changed)
    if new_version:
        article.version += 1
    article.save()
    if new_version:
        _new_version(article, actor, note)
    events.publish("knowledge.article_updated", article_id=article.pk, changed=changed)
    return article


def _move(article: Article, new: str) -> str:
    old = article.status
    if new not in TRANSITIONS[old]:
        raise ValidationError(
            {
                "status": _("An article that is %(old)s cannot become %(new)s.")
                % {
                    "old": ArticleStatus(old).label.lower(),
                    "new": ArticleStatus(new).label.lower(),
                }
            }
        )
    article.status = new
    return old


def _saved_transition(article: Article, actor: Any, old: str) -> None:
    article.full_clean()
    article.save()
    events.publish(
        "knowledge.article_status_changed", article_id=article.pk, old=old, new=article.status
    )


def can_review(user: Any, article: Article) -> bool:
    try:
        ensure_can_review(user, article)
    except PermissionDenied:
        return False
    return True


def ensure_can_review(user: Any, article: Article) -> None:
    """Publishing (or returning) a submitted article is a review: IT managers and
    administrators review any article, an agent only those naming them as reviewer; nobody
    reviews what they submitted themselves (four eyes)."""
    permissions.ensure(user, "review", article)
    if not permissions.has_role(user, *MANAGERS) and article.reviewer_id != user.pk:
        raise PermissionDenied(_("Only an IT manager or the article's reviewer may review it."))
    if article.submitted_by_id is not None and article.submitted_by_id == user.pk:
        raise PermissionDenied(_("You submitted this article; someone else must review it."))


@transaction.atomic
def article_submit_for_review(*, article: Article, actor: Any) -> Article:
    article = _locked(article)
    permissions.ensure(actor, "change", article)
    old = _move(article, ArticleStatus.REVIEW)
    article.submitted_by = actor
    _saved_transition(article, actor, old)
    if article.reviewer_id and article.reviewer_id != actor.pk:
        _notify(
            [article.reviewer],
            "knowledge.review_requested",
            _("Article to review: %(title)s") % {"title": article.title},
            article,
        )
    return article


@transaction.atomic
def article_publish(*, article: Article, actor: Any) -> Article:
    article = _locked(article)
    ensure_can_review(actor, article)
    old = _move(article, ArticleStatus.PUBLISHED)
    article.published_at = timezone.now()
    _saved_transition(article, actor, old)
    _notify(
        [article.submitted_by],
        "knowledge.article_published",
        _("Article published: %(title)s") % {"title": article.title},
        article,
    )
    return article


@transaction.atomic
def article_return_to_draft(*, article: Article, actor: Any, comment: str = "") -> Article:
    """A reviewer sends a submitted article back to its author; the submitter may also
    withdraw their own submission."""
    article = _locked(article)
    if article.submitted_by_id != getattr(actor, "pk", None):
        ensure_can_review(actor, article)
    else:
        permissions.ensure(actor, "change", article)
    old = _move(article, ArticleStatus.DRAFT)
    submitter = article.submitted_by
    article.submitted_by = None
    _saved_transition(article, actor, old)
    if submitter is not None and submitter.pk != actor.pk:
        _notify(
            [submitter],
            "knowledge.article_returned",
            _("Article returned to draft: %(title)s") % {"title": article.title},
            article,
            body=comment[:2000],
        )
    return article


@transaction.atomic
def article_retire(*, article: Article, actor: Any) -> Article:
    article = _locked(article)
    permissions.ensure(actor, "retire", article)
    old = _move(article, ArticleStatus.RETIRED)
    _saved_transition(article, actor, old)
    return article


@transaction.atomic
def article_reopen(*, article: Article, actor: Any) -> Article:
    """A retired article becomes a draft again (to be edited and reviewed)."""
    article = _locked(article)
    permissions.ensure(actor, "change", article)
    old = _move(article, ArticleStatus.DRAFT)
    article.submitted_by = None
    _saved_transition(article, actor, old)
    return article


@transaction.atomic
def article_restore_version(*, article: Article, actor: Any, number: int) -> Article:
    """Make an old version's text current again, as a new version (history is kept)."""
    version = ArticleVersion.objects.filter(article_id=article.pk, number=number).first()
    if version is None:
        raise ValidationError({"number": _("This article has no version %(n)s.") % {"n": number}})
    data = {"title": version.title, "summary": version.summary, "body": version.body}
    return article_update(
        article=article,
        actor=actor,
        data=data,
        note=_("Restored version %(n)s") % {"n": number},
    )


@transaction.atomic
def feedback_record(
    *,
    article: Article,
    user: Any = None,
    session_key: str = "",
    helpful: bool,
    comment: str = "",
) -> ArticleFeedback:
    """One vote per reader and article: a signed-in user by login, an anonymous visitor by
    session. Voting again replaces the earlier vote; the counters follow."""
    from steward.knowledge.selectors import readable_articles

    authenticated = bool(getattr(user, "is_authenticated", False))
    fresh = readable_articles(user).filter(pk=article.pk).only("status").first()
    if fresh is None:
        raise PermissionDenied(_("You may not read this article."))
    if fresh.status != ArticleStatus.PUBLISHED:
        raise ValidationError(_("Only published articles take feedback."))
    if not authenticated and not session_key:
        raise ValidationError(_("Feedback needs a signed-in user or a session."))
    voter = {"user": user} if authenticated else {"user": None, "session_key": session_key[:64]}
    comment = (comment or "").strip()[:1000]
    existing: ArticleFeedback | None = (
        ArticleFeedback.objects.select_for_update().filter(article=article, **voter).first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                vote = ArticleFeedback(article=article, helpful=helpful, comment=comment, **voter)
                vote.save()
        except IntegrityError:
            existing = ArticleFeedback.objects.select_for_update().get(article=article, **voter)
        else:
            _count(article, helpful, +1)
            events.publish("knowledge.feedback_recorded", article_id=article.pk, helpful=helpful)
            return vote
    if existing.helpful != helpful:
        _count(article, existing.helpful, -1)
        _count(article, helpful, +1)
    existing.helpful = helpful
    if comment:
        existing.comment = comment
    existing.save()
    events.publish("knowledge.feedback_recorded", article_id=article.pk, helpful=helpful)
    return existing


def _count(article: Article, helpful: bool, delta: int) -> None:
    name = "helpful_count" if helpful else "unhelpful_count"
    # Counters are derived data: a plain update, not an audited change of the article.
    Article._base_manager.filter(pk=article.pk).update(**{name: F(name) + delta})


def article_viewed(*, article: Article) -> None:
    Article._base_manager.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def _ticket(actor: Any, ticket_id: Any) -> Any:
    from steward.servicedesk import selectors as tickets

    try:
        ticket = tickets.ticket_get(actor, ticket_id)
    except (ObjectDoesNotExist, Http404, ValueError, TypeError, LookupError):
        ticket = None
    if ticket is None:
        raise ValidationError({"ticket": _("No such ticket.")})
    return ticket


@transaction.atomic
def article_link_ticket(*, article: Article, ticket_id: int, actor: Any) -> ArticleTicketLink:
    """Record that this article helped with a ticket (idempotent)."""
    permissions.ensure(actor, "link", article)
    ticket = _ticket(actor, ticket_id)
    found: ArticleTicketLink | None = ArticleTicketLink.objects.filter(
        article=article, ticket_id=ticket.pk
    ).first()
    if found is not None:
        return found
    link = ArticleTicketLink(article=article, ticket_id=ticket.pk, linked_by=actor)
    link.save()
    events.publish("knowledge.ticket_linked", article_id=article.pk, ticket_id=ticket.pk)
    return link


@transaction.atomic
def article_draft_from_ticket(*, ticket_id: int, actor: Any) -> Article:
    """An agent turns a resolved ticket into a draft: the ticket's title, its description,
    resolution and public replies (never internal notes), linked to the ticket. Drafts from
    tickets start internal; the writer widens visibility once personal details are out."""
    from steward.servicedesk import selectors as tickets

    permissions.ensure(actor, "add", Article)
    ticket = _ticket(actor, ticket_id)
    if ticket.status not in TICKET_DONE:
        raise ValidationError({"ticket": _("Only a resolved or closed ticket becomes an article.")})
    replies = [e for e in tickets.entries_for(ticket, actor) if e.kind == "reply"]
    sections = [f"## {_('Problem')}\n\n{ticket.description.strip() or ticket.title}"]
    if ticket.resolution.strip():
        sections.append(f"## {_('Solution')}\n\n{ticket.resolution.strip()}")
    if replies:
        quoted = "\n\n".join(
            "> " + "\n> ".join(e.body.strip().splitlines()) for e in replies if e.body.strip()
        )
        sections.append(f"## {_('From the conversation')}\n\n{quoted}")
    category = getattr(ticket, "category", None)
    article = article_create(
        actor=actor,
        data={
            "title": ticket.title[:200],
            "summary": (ticket.resolution.strip() or ticket.title)[:300],
            "body": "\n\n".join(sections),
            "visibility": Visibility.INTERNAL,
            "keywords": (category.name if category is not None else "")[:300],
        },
        source_ticket_id=ticket.pk,
        note=_("Drafted from ticket %(ref)s") % {"ref": ticket.reference},
    )
    article_link_ticket(article=article, ticket_id=ticket.pk, actor=actor)
    return article


def _notify(users: list[Any], event: str, title: str, article: Article, body: str = "") -> None:
    from django.urls import reverse

    from steward.notifications.services import notify

    recipients = [u for u in users if u is not None]
    if recipients:
        url = reverse("knowledge:article_detail", kwargs={"pk": article.pk})
        notify(users=recipients, event=event, title=title, body=body, url=url)
