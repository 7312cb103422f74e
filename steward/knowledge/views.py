"""Knowledge base pages. Published public articles are read without login at
``/knowledge/articles/<slug>/``; everything else needs a login."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from steward.core import features, permissions
from steward.core.ui.views import Column, ObjectEditView, ObjectListView
from steward.knowledge import filtersets, fts, selectors, services
from steward.knowledge.forms import ArticleForm, FeedbackForm, TicketForm
from steward.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleStatus,
    ArticleTicketLink,
    ArticleVersion,
    Visibility,
)
from steward.knowledge.rendering import render_markdown


class ArticleList(ObjectListView):
    model, url_prefix, filterset_class = Article, "knowledge:article", filtersets.ArticleFilterSet
    select_related = ("category",)
    columns = [
        Column("title", _("Title"), sort="title"),
        Column("category", _("Category")),
        Column("get_status_display", _("Status"), sort="status"),
        Column("get_visibility_display", _("Visibility"), sort="visibility"),
        Column("version", _("Version")),
        Column("published_at", _("Published"), sort="published_at"),
        Column("helpful_count", _("Helpful"), sort="helpful_count"),
        Column("view_count", _("Views"), sort="view_count"),
    ]

    def sorting(self) -> tuple[str, list[str]]:
        """Best match first while searching, unless the reader sorts by a column. Invalid
        filters give an empty list that has no ``score`` to sort by."""
        sort, ordering = super().sorting()
        if sort or not fts.terms(self.request.GET.get("q", "")):
            return sort, ordering
        check = self.filterset_class(self.request.GET, queryset=Article.objects.none())
        return ("", ["-score", "title", "-pk"]) if check.is_valid() else (sort, ordering)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


def _read_url(article: Article) -> str:
    return reverse("knowledge:article_read", kwargs={"slug": article.slug})


@require_GET
def article_by_pk(request: HttpRequest, pk: int) -> HttpResponse:
    """The numeric address (lists, global search) leads to the article's own address."""
    article = selectors.readable_articles(request.user).filter(pk=pk).only("slug").first()
    if article is None:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        raise Http404
    return redirect(_read_url(article))


def _actions(user: Any, article: Article) -> list[tuple[str, str, str]]:
    """(verb, label, style) of the lifecycle buttons this user may press now."""
    if not permissions.can(user, "change", article):
        return []
    status, found = article.status, []
    if status == ArticleStatus.DRAFT:
        found.append(("submit", _t("Submit for review"), ""))
    if status == ArticleStatus.REVIEW and services.can_review(user, article):
        found.append(("publish", _t("Publish"), ""))
    if status == ArticleStatus.REVIEW and (
        services.can_review(user, article) or article.submitted_by_id == user.pk
    ):
        found.append(("send-back", _t("Return to draft"), "secondary"))
    if status != ArticleStatus.RETIRED:
        found.append(("retire", _t("Retire"), "secondary outline"))
    else:
        found.append(("reopen", _t("Reopen as draft"), "secondary"))
    return found


def _my_vote(request: HttpRequest, article: Article) -> ArticleFeedback | None:
    if request.user.is_authenticated:
        voter: dict[str, Any] = {"user": request.user}
    elif request.session.session_key:
        voter = {"user": None, "session_key": request.session.session_key}
    else:
        return None
    return ArticleFeedback.objects.filter(article=article, **voter).first()


@require_GET
def article_read(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get_by_slug(request.user, slug)
    if article is None:
        if not request.user.is_authenticated:
            # Published articles for employees ask for a login; drafts, articles in review
            # and internal ones do not exist for the public.
            meant_for_employees = Article.objects.filter(
                slug=slug[:220], status=ArticleStatus.PUBLISHED, visibility=Visibility.EMPLOYEES
            ).exists()
            if meant_for_employees:
                return redirect(f"{reverse('login')}?next={request.path}")
        raise Http404
    services.article_viewed(article=article)
    user = request.user
    staff = permissions.has_role(user, *permissions.STAFF)
    context = {
        "object": article,
        "title": article.title,
        "body_html": render_markdown(article.body),
        "staff": staff,
        "actions": _actions(user, article) if staff else [],
        "can_change": staff and permissions.can(user, "change", article),
        "can_delete": staff and permissions.can(user, "delete", article),
        "can_link": staff and permissions.can(user, "link", article),
        "vote": _my_vote(request, article),
        "votable": article.status == ArticleStatus.PUBLISHED,
        "content_type_id": ContentType.objects.get_for_model(Article).pk,
        "attachments": (
            list(features.attachments_for(article, user))
            if user.is_authenticated and not staff
            else []
        ),
        "linked_tickets": (
            ArticleTicketLink.objects.filter(article=article).count() if staff else 0
        ),
    }
    return render(request, "knowledge/article_detail.html", context)


@require_POST
def article_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Was this helpful?" widget, signed in or not (htmx or a plain form)."""
    article = selectors.readable_articles(request.user).filter(pk=pk).first()
    if article is None:
        raise Http404
    form = FeedbackForm(request.POST)
    error = ""
    if form.is_valid():
        if not request.user.is_authenticated and not request.session.session_key:
            request.session.save()
        try:
            services.feedback_record(
                article=article,
                user=request.user,
                session_key=request.session.session_key or "",
                helpful=form.cleaned_data["helpful"],
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
    else:
        error = _t("Choose yes or no.")
    if request.headers.get("HX-Request") != "true":
        if error:
            messages.error(request, error)
        return redirect(_read_url(article))
    article.refresh_from_db()
    context = {
        "object": article,
        "vote": _my_vote(request, article),
        "votable": True,
        "error": error,
    }
    return render(request, "knowledge/_feedback.html", context, status=400 if error else 200)


VERBS = {
    "submit": lambda a, u, r: services.article_submit_for_review(article=a, actor=u),
    "publish": lambda a, u, r: services.article_publish(article=a, actor=u),
    "send-back": lambda a, u, r: services.article_return_to_draft(
        article=a, actor=u, comment=r.POST.get("comment", "")[:2000]
    ),
    "retire": lambda a, u, r: services.article_retire(article=a, actor=u),
    "reopen": lambda a, u, r: services.article_reopen(article=a, actor=u),
}
DONE = {
    "submit": _("Submitted for review."),
    "publish": _("Published."),
    "send-back": _("Returned to draft."),
    "retire": _("Retired."),
    "reopen": _("Reopened as a draft."),
}


@login_required
@require_POST
def article_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    if verb not in VERBS:
        raise Http404
    article = selectors.article_get(request.user, pk)
    if article is None:
        raise Http404
    try:
        article = VERBS[verb](article, request.user, request)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, DONE[verb])
    return HttpResponseRedirect(_safe_next(request, _read_url(article)))


class ArticleEdit(ObjectEditView):
    """New and edited articles go through the services, so every text change is a version."""

    model, url_prefix, form_class = Article, "knowledge:article", ArticleForm
    template_name = "knowledge/article_edit.html"

    def form_data(self, form: Any) -> dict[str, Any]:
        return {**super().form_data(form), "note": form.cleaned_data.get("note", "")}

    def save(self, obj: Article | None, data: dict[str, Any]) -> Article:
        note = data.pop("note")
        if obj is None:
            return services.article_create(actor=self.request.user, data=data, note=note)
        return services.article_update(article=obj, actor=self.request.user, data=data, note=note)

    def success_url(self, saved: Article) -> str:
        return _read_url(saved)


@login_required
def article_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """The versions of an article; one chosen version diffed against the current text, and
    restored on request."""
    article = selectors.article_get(request.user, pk)
    if article is None or not permissions.can(request.user, "view", ArticleVersion):
        raise Http404
    if request.method == "POST":
        try:
            number = int(request.POST.get("number", ""))
            services.article_restore_version(article=article, actor=request.user, number=number)
        except ValueError:
            messages.error(request, _t("Choose a version."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _t("Restored version %(n)s.") % {"n": number})
        return redirect("knowledge:article_versions", pk=article.pk)
    versions = list(selectors.versions_of(article))
    chosen = next((v for v in versions if str(v.number) == request.GET.get("v")), None)
    if chosen is None and len(versions) > 1:
        chosen = versions[1]
    context = {
        "object": article,
        "title": _t("Versions of %(title)s") % {"title": article.title},
        "versions": versions,
        "chosen": chosen,
        "diff": selectors.version_diff(chosen, article) if chosen else [],
        "can_restore": permissions.can(request.user, "change", article)
        and article.status != ArticleStatus.RETIRED,
    }
    return render(request, "knowledge/article_versions.html", context)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "view", ArticleVersion):
        raise PermissionDenied
    context = {"title": _t("Articles waiting for my review"), "articles": list(
        selectors.review_queue(request.user)[:200]
    )}  # fmt: skip
    return render(request, "knowledge/review_queue.html", context)


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """An htmx fragment: a few published articles for the text being typed (``q``, or the
    ``title``/``description`` of the form it is attached to)."""
    text = " ".join(request.GET.get(k, "") for k in ("q", "title", "description"))[:300]
    hits = selectors.article_suggest(request.user, text, 5)
    return render(request, "knowledge/_suggest.html", {"hits": hits, "query": text.strip()})


@login_required
@require_POST
def article_link_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_get(request.user, pk)
    if article is None:
        raise Http404
    form = TicketForm(request.POST)
    if not form.is_valid():
        messages.error(request, _t("Give a ticket number."))
    else:
        try:
            services.article_link_ticket(
                article=article, ticket_id=form.cleaned_data["ticket"], actor=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _t("Linked to the ticket."))
    return HttpResponseRedirect(_safe_next(request, _read_url(article)))


@login_required
@require_POST
def draft_from_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The agent workspace's "Turn into an article" button."""
    try:
        article = services.article_draft_from_ticket(ticket_id=ticket_id, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return HttpResponseRedirect(_safe_next(request, reverse("knowledge:article_list")))
    messages.success(request, _t("Draft created from the ticket; edit it before review."))
    return redirect("knowledge:article_edit", pk=article.pk)


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The edit form's Markdown preview (writers only)."""
    if not permissions.can(request.user, "add", Article):
        raise PermissionDenied
    return HttpResponse(render_markdown(request.POST.get("body", "")[:200_000]))


@login_required
def ticket_panel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """An htmx fragment for the agent workspace: the articles that helped with a ticket, a
    search to link another (POST ``article``), and "Turn into an article" once resolved."""
    from steward.servicedesk import selectors as tickets

    if not permissions.can(request.user, "link", Article):
        raise PermissionDenied
    ticket = tickets.ticket_get(request.user, ticket_id)
    if ticket is None:
        raise Http404
    error = ""
    if request.method == "POST":
        article = selectors.article_get(request.user, request.POST.get("article"))
        if article is None:
            error = _t("Choose an article.")
        else:
            try:
                services.article_link_ticket(
                    article=article, ticket_id=ticket.pk, actor=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                error = " ".join(getattr(exc, "messages", [str(exc)]))
    linked = selectors.articles_for_ticket(request.user, ticket.pk)
    query = request.GET.get("q", "")[:200]
    found = selectors.article_search(request.user, query, 8) if query.strip() else []
    context = {
        "ticket": ticket,
        "linked": linked,
        "found": [a for a in found if a not in linked],
        "query": query,
        "error": error,
        "can_draft": ticket.status in services.TICKET_DONE
        and permissions.can(request.user, "add", Article),
    }
    return render(request, "knowledge/_ticket_panel.html", context, status=400 if error else 200)
