from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.ui.lookup import LookupSelect
from steward.knowledge.models import Article, ArticleCategory
from steward.knowledge.policies import REVIEWERS


def reviewer_choices() -> Any:
    return (
        get_user_model()
        .objects.filter(Q(groups__name__in=list(REVIEWERS)) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ArticleForm(forms.ModelForm):  # type: ignore[type-arg]
    note = forms.CharField(
        label=_("What changed"),
        max_length=200,
        required=False,
        help_text=_("Kept with the version in the article's history."),
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "summary",
            "body",
            "category",
            "visibility",
            "keywords",
            "owner",
            "reviewer",
            "slug",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 20, "class": "kb-source"}),
            "owner": LookupSelect(Article._meta.get_field("owner").related_model),
            "summary": forms.TextInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_choices()  # type: ignore[attr-defined]
        self.fields["body"].help_text = _(
            "Markdown: ## for a heading, 1. for numbered steps, - for bullets, **bold**, "
            "`code`, tables. Preview below."
        )
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Left empty, it is made from the title.")
        categories = ArticleCategory.objects.select_related("parent")
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class ArticleCategoryForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ArticleCategory
        fields = ["name", "parent", "description", "order"]


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes"
    )
    comment = forms.CharField(max_length=1000, required=False, widget=forms.Textarea)


class TicketForm(forms.Form):
    ticket = forms.IntegerField(min_value=1, max_value=9_223_372_036_854_775_807)
