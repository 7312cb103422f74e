"""Services for the shared features: comments, attachments, tags and watchers on any object."""

from __future__ import annotations

import hashlib
from typing import Any, TypeVar

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from steward.core import events, permissions
from steward.core.models import Attachment, Comment, Tag, TaggedItem, Watch

BLOCKED_TYPES = {
    "application/x-msdownload",
    "application/x-executable",
    "application/x-sh",
    "application/x-elf",
    "application/x-mach-binary",
}


CommentOrAttachment = TypeVar("CommentOrAttachment", Comment, Attachment)


def _link(obj: models.Model) -> dict[str, Any]:
    return {"content_type": ContentType.objects.get_for_model(obj), "object_id": str(obj.pk)}


def sees_internal(user: Any) -> bool:
    """Internal comments and files are IT staff's: not for customer contacts, nor for
    employees (who see their own requests' public side only)."""
    return permissions.has_role(user, *permissions.STAFF)


def visible_to(
    qs: models.QuerySet[CommentOrAttachment], user: Any
) -> models.QuerySet[CommentOrAttachment]:
    """The one rule for internal comments and attachments, wherever they are shown or
    downloaded (detail tabs, portal, API). ``user=None`` is the system: it sees all."""
    return qs if user is None or sees_internal(user) else qs.filter(internal=False)


def comments_for(obj: models.Model, user: Any) -> models.QuerySet[Comment]:
    """The object's comments as ``user`` may see them (``None``: the system, all)."""
    return visible_to(Comment.objects.filter(**_link(obj)), user)


def attachments_for(obj: models.Model, user: Any) -> models.QuerySet[Attachment]:
    """The object's attachments as ``user`` may see them (``None``: the system, all)."""
    return visible_to(Attachment.objects.filter(**_link(obj)), user).select_related("uploaded_by")


def watchers_of(obj: models.Model) -> list[Watch]:
    return list(Watch.objects.filter(**_link(obj)).select_related("user"))


def tags_of(obj: models.Model) -> list[Tag]:
    return [t.tag for t in TaggedItem.objects.filter(**_link(obj)).select_related("tag")]


@transaction.atomic
def contribute_action(obj: models.Model) -> str:
    """Commenting on or attaching a file to an object is a write: it needs ``change``, unless
    the model's policy names a ``contribute`` action (a requester adds files to their own
    ticket without being allowed to edit it)."""
    policy = permissions.policy_for(type(obj))
    return "contribute" if "contribute" in policy.extra else "change"


def comment_add(*, obj: models.Model, author: Any, body: str, internal: bool = False) -> Comment:
    permissions.ensure(author, contribute_action(obj), obj)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("A comment needs some text."))
    comment = Comment(author=author, body=body, internal=internal, **_link(obj))
    comment.full_clean()
    comment.save()
    events.publish("core.comment_added", model=obj._meta.label, pk=obj.pk, comment_id=comment.pk)
    return comment


def sniff(head: bytes) -> str:
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    try:
        head.decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return "application/octet-stream"


@transaction.atomic
def attachment_add(
    *, obj: models.Model, upload: UploadedFile, user: Any, internal: bool = False
) -> Attachment:
    """Stores the file in the data folder. Its type comes from its bytes, never from the
    client's claim; executables and files over the limit are refused (ValidationError).
    ``internal`` files are for IT staff only; anyone else marking one gets PermissionDenied.
    ``user=None`` is the system acting (inbound mail): no permission check, no uploader."""
    if user is not None:
        permissions.ensure(user, contribute_action(obj), obj)
        if internal and not sees_internal(user):
            raise PermissionDenied(_("Only IT staff can mark a file internal."))
    size = upload.size or 0
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if size == 0:
        raise ValidationError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(8192)
    media_type = sniff(head)
    if media_type in BLOCKED_TYPES:
        raise ValidationError(_("Executable files are not accepted."))
    h = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        h.update(chunk)
    upload.seek(0)
    name = get_valid_filename(upload.name or "file")[:255] or "file"
    attachment = Attachment(
        name=name,
        size=size,
        media_type=media_type,
        sha256=h.hexdigest(),
        uploaded_by=user,
        internal=internal,
        **_link(obj),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def watch_toggle(*, obj: models.Model, user: Any) -> bool:
    permissions.ensure(user, "view", obj)
    existing = Watch.objects.filter(user=user, **_link(obj)).first()
    if existing:
        existing.delete()
        return False
    Watch.objects.create(user=user, **_link(obj))
    return True


@transaction.atomic
def tag_set(*, obj: models.Model, names: list[str], actor: Any) -> list[Tag]:
    """Replaces the object's tags; unknown names become new tags (matched by name, any case).
    ``actor=None`` is the system acting (inbound mail, monitoring): no permission check."""
    from django.db.models import Q
    from django.utils.text import slugify

    if actor is not None:
        permissions.ensure(actor, "change", obj)
    wanted: list[Tag] = []
    unique = {n.strip()[:64].casefold(): n.strip()[:64] for n in names if n.strip()}
    for name in unique.values():
        slug = slugify(name)[:64] or hashlib.sha256(name.encode()).hexdigest()[:12]
        tag = Tag.objects.filter(Q(name__iexact=name) | Q(slug=slug)).first()
        if tag is None:
            tag = Tag(name=name, slug=slug)
            tag.full_clean()
            tag.save()
        if all(t.pk != tag.pk for t in wanted):
            wanted.append(tag)
    link = _link(obj)
    TaggedItem.objects.filter(**link).exclude(tag__in=wanted).delete()
    have = set(TaggedItem.objects.filter(**link).values_list("tag_id", flat=True))
    for tag in wanted:
        if tag.pk not in have:
            TaggedItem.objects.create(tag=tag, **link)
    return wanted
