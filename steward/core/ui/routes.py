"""Standard URLs of a model's pages: list, add, detail, edit, delete."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from steward.core.ui.views import ObjectDeleteView, ObjectEditView


def crud(
    prefix: str, name: str, *, list_view: Any, detail_view: Any, form_class: Any
) -> list[URLPattern]:
    model = list_view.model
    url_prefix = list_view.url_prefix
    edit = ObjectEditView.as_view(model=model, form_class=form_class, url_prefix=url_prefix)
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/add/", edit, name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", edit, name=f"{name}_edit"),
        path(
            f"{prefix}/<int:pk>/delete/",
            ObjectDeleteView.as_view(model=model, url_prefix=url_prefix),
            name=f"{name}_delete",
        ),
    ]
