"""Tabs shared by every detail page: history, comments, attachments, watchers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from steward.core import features, permissions
from steward.core.models import (
    Attachment,
    AuditedModel,
    AuditEntry,
    Comment,
    TaggedItem,
    Watch,
)

FEATURE_ROWS = (Comment, Attachment, TaggedItem, Watch)


def _target(request: HttpRequest, content_type_id: int, pk: str, action: str = "view") -> Any:
    ct = get_object_or_404(ContentType, pk=content_type_id)
    model = ct.model_class()
    # Only first-class objects carry tabs; the feature rows themselves (a comment, an
    # attachment) are reached through the object they belong to, whose permission applies.
    if model is None or not issubclass(model, AuditedModel) or model in FEATURE_ROWS:
        raise Http404
    try:
        qs = permissions.restrict(model._default_manager.all(), request.user, action)
    except LookupError:
        raise Http404 from None
    try:
        obj = qs.filter(pk=pk).first()
    except (ValueError, ValidationError):
        raise Http404 from None
    if obj is None:
        raise Http404
    return obj


@login_required
@require_http_methods(["GET", "POST"])
def object_tab(request: HttpRequest, content_type_id: int, pk: str, tab: str) -> HttpResponse:
    obj = _target(request, content_type_id, pk)
    ct = ContentType.objects.get_for_model(obj)
    # Internal comments, files and field values are IT staff's.
    internal_visible = features.sees_internal(request.user)
    context: dict[str, Any] = {
        "object": obj,
        "content_type_id": ct.pk,
        "tab": tab,
        "internal_visible": internal_visible,
    }
    if tab in {"comments", "attachments"}:
        context["can_contribute"] = permissions.can(
            request.user, features.contribute_action(obj), obj
        )
    if tab == "history":
        context["entries"] = AuditEntry.objects.filter(
            content_type=ct, object_id=str(obj.pk)
        ).select_related("actor")[:200]
        # Who changed what is shared with whoever may see the object; the values and the
        # client address are for staff, the request id and address for audit readers.
        context["show_values"] = internal_visible
        context["show_origin"] = permissions.can(request.user, "view", AuditEntry)
        return render(request, "core/_history.html", context)
    if tab == "comments":
        if request.method == "POST":
            try:
                features.comment_add(
                    obj=obj,
                    author=request.user,
                    body=request.POST.get("body", ""),
                    internal=request.POST.get("internal") == "on" and internal_visible,
                )
            except ValidationError as exc:
                context["error"] = " ".join(exc.messages)
        context["comments"] = features.comments_for(obj, request.user).select_related("author")
        return render(request, "core/_comments.html", context)
    if tab == "attachments":
        if request.method == "POST":
            upload = request.FILES.get("file")
            try:
                if upload is None:
                    raise ValidationError(_("Choose a file."))
                features.attachment_add(
                    obj=obj,
                    upload=upload,
                    user=request.user,
                    internal=request.POST.get("internal") == "on" and internal_visible,
                )
            except ValidationError as exc:
                context["error"] = " ".join(exc.messages)
        context["attachments"] = features.attachments_for(obj, request.user)
        context["max_mb"] = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        return render(request, "core/_attachments.html", context)
    if tab == "watchers":
        if request.method == "POST":
            features.watch_toggle(obj=obj, user=request.user)
        context["watchers"] = features.watchers_of(obj)
        context["watching"] = any(w.user_id == request.user.pk for w in context["watchers"])
        return render(request, "core/_watchers.html", context)
    if tab == "tags":
        if request.method == "POST":
            names = request.POST.get("tags", "").split(",")
            features.tag_set(obj=obj, names=names[:20], actor=request.user)
        context["tags"] = features.tags_of(obj)
        context["can_change"] = permissions.can(request.user, "change", obj)
        return render(request, "core/_tags.html", context)
    raise Http404


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """404 unless the user may see the object and the file (internal ones are staff's)."""
    visible = features.visible_to(Attachment.objects.all(), request.user)
    attachment = get_object_or_404(visible, pk=pk)
    _target(request, attachment.content_type_id, attachment.object_id)
    return file_response(attachment)


def file_response(attachment: Attachment) -> FileResponse:
    """The file as a download, never rendered inline in the browser."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
