"""API of the shared features on an object: its attachments (list, upload, download).

A viewset of objects that carry attachments adds ``AttachmentActions``; internal files are
listed and served to IT staff only, by the same rule as the detail tabs and the portal
(``steward.core.features.visible_to``).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from steward.core import features
from steward.core.models import Attachment
from steward.core.ui.features import file_response
from steward.core.validation import is_id


class AttachmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """``download`` is the API address of the file (``.../attachments/{id}/``)."""

    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "size",
            "media_type",
            "sha256",
            "internal",
            "uploaded_by",
            "created_at",
            "download",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, obj: Attachment) -> str:
        request = self.context["request"]
        return str(request.build_absolute_uri(f"{request.path}{obj.pk}/"))


class AttachmentUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField()
    internal = serializers.BooleanField(
        default=False, help_text="Hidden from customers and employees; IT staff only."
    )


class AttachmentActions:
    """``{id}/attachments/`` lists (GET) and uploads (POST, multipart) the object's files;
    ``{id}/attachments/{attachment_id}/`` downloads one. Mixed into a ``StewardViewSet``."""

    get_object: Any
    get_serializer_context: Any

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: AttachmentSerializer(many=True)},
        summary="Files attached to the object (internal ones for IT staff only)",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
        summary="Attach a file (only IT staff may mark it internal)",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        pagination_class=None,
        filter_backends=[],
    )
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        """Internal files are IT staff's: listed to them only, and only they may set
        ``internal`` (403 otherwise). The file's type is sniffed from its bytes; executables
        and files over the size limit answer 400."""
        obj = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            body = AttachmentUploadSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            attachment = features.attachment_add(
                obj=obj,
                upload=body.validated_data["file"],
                user=request.user,
                internal=body.validated_data["internal"],
            )
            data = AttachmentSerializer(attachment, context=context).data
            return Response(data, status=status.HTTP_201_CREATED)
        rows = features.attachments_for(obj, request.user)
        return Response(AttachmentSerializer(rows, many=True, context=context).data)

    @extend_schema(
        request=None,
        responses={(200, "*/*"): OpenApiTypes.BINARY},
        summary="Download one of the object's files",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        pagination_class=None,
        filter_backends=[],
    )
    def attachment_download(
        self, request: Request, pk: str | None = None, attachment_id: str | None = None
    ) -> FileResponse:
        """The file's bytes as a download; 404 for an internal file unless you are IT staff."""
        obj = self.get_object()
        if attachment_id is None or not is_id(attachment_id):
            raise exceptions.NotFound()
        rows = features.attachments_for(obj, request.user)
        attachment = rows.filter(pk=int(attachment_id)).first()
        if attachment is None:
            raise exceptions.NotFound()
        return file_response(attachment)
