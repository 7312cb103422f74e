"""Inbox, notification preferences and (for administrators) the inbound mail quarantine."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from steward.core import permissions
from steward.notifications import selectors, services
from steward.notifications.models import InboundMessage, InboundStatus

PAGE_SIZE = 50


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notification_list(user=request.user, unread=unread_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"title": _("Inbox"), "page": page, "unread_only": unread_only}
    return render(request, "notifications/inbox.html", context)


def _own(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    notification = selectors.notification_get(user=request.user, pk=pk)
    if notification is None:
        raise Http404
    return notification


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.notification_mark_read(
        notification=_own(request, pk), user=request.user
    )
    if _is_htmx(request):
        response = render(request, "notifications/_row.html", {"n": notification})
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    messages.success(request, _("Marked %(n)s notifications read.") % {"n": count})
    return redirect("notifications:inbox")


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = services.notification_mark_read(
        notification=_own(request, pk), user=request.user
    )
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    rows = selectors.preference_matrix(user=request.user)
    if request.method == "POST":
        for row in rows:
            services.preference_set(
                user=request.user,
                event=row["event"],
                in_app=request.POST.get(f"{row['event']}:in_app") == "on",
                email=request.POST.get(f"{row['event']}:email") == "on",
            )
        messages.success(request, _("Notification preferences saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"title": _("Notification preferences"), "rows": rows},
    )


@login_required
def quarantine(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "view", InboundMessage):
        raise PermissionDenied
    status = request.GET.get("status") or InboundStatus.QUARANTINED
    if status not in InboundStatus.values:
        status = InboundStatus.QUARANTINED
    qs = selectors.inbound_message_list(user=request.user).filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/quarantine.html",
        {
            "title": _("Mail quarantine"),
            "page": page,
            "status": status,
            "statuses": InboundStatus.choices,
        },
    )


def _message(request: HttpRequest, pk: int) -> InboundMessage:
    message = selectors.inbound_message_get(user=request.user, pk=pk)
    if message is None:
        raise Http404
    return message


@login_required
def quarantine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    raw = bytes(message.raw)
    preview = raw[:20000].decode("utf-8", errors="replace")
    return render(
        request,
        "notifications/quarantine_detail.html",
        {
            "title": str(message),
            "message": message,
            "preview": preview,
            "truncated": len(raw) > 20000,
            "can_change": permissions.can(request.user, "change", message),
        },
    )


@login_required
def quarantine_raw(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
    return response


@login_required
@require_POST
def quarantine_reprocess(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    try:
        outcome = services.inbound_message_reprocess(message=message, actor=request.user)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
        return redirect("notifications:quarantine_detail", pk=pk)
    if outcome.handled:
        messages.success(request, _("Processed by %(h)s.") % {"h": outcome.handler})
    else:
        messages.warning(
            request,
            _("Still not processed: %(r)s %(d)s") % {"r": outcome.reason, "d": outcome.detail},
        )
    return redirect("notifications:quarantine_detail", pk=pk)


@login_required
@require_POST
def quarantine_discard(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.inbound_message_discard(message=_message(request, pk), actor=request.user)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
        return redirect("notifications:quarantine_detail", pk=pk)
    messages.success(request, _("Message discarded."))
    return redirect("notifications:quarantine")
