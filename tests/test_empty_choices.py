"""Every select says what its empty choice means: "Any" in the filters of a list, "Choose…"
when a form needs a value, "—" when it may stay empty; never Django's "---------"."""

from __future__ import annotations

import re

import pytest
from django import forms

from steward.core.testing import PASSWORD
from steward.core.ui.forms import FilterForm
from steward.org.models import Organisation

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())
    manager_of = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    size = forms.ChoiceField(choices=[("", "Pick a size"), ("s", "Small")], required=False)
    active = forms.NullBooleanField(required=False)


class _Filter(FilterForm, _Form):
    pass


def _empty_options(html: str) -> list[str]:
    return re.findall(r'<option value="(?:|unknown)"[^>]*>([^<]*)</option>', html)


def test_a_form_says_choose_when_a_value_is_needed_and_a_dash_when_optional(org_world):
    html = str(_Form())
    assert "---------" not in html
    assert _empty_options(html) == ["Choose…", "—", "Pick a size", "Unknown"]


def test_a_filter_says_any(org_world):
    assert _empty_options(str(_Filter())) == ["Any", "Any", "Any", "Any"]


def _links(html: str) -> list[str]:
    aside = html.split('<aside class="shell-nav">', 1)[1].split("</aside>", 1)[0]
    return re.findall(r'<a href="(/[^"]+)"', aside)


def test_no_page_an_administrator_reaches_from_the_menu_shows_dashes(client, org_world):
    """Every list of the menu with its filters, and every add form those lists link to."""
    assert client.login(username="admin", password=PASSWORD)
    pages = _links(client.get("/org/people/").content.decode())
    add_forms = set()
    for url in pages:
        html = client.get(url).content.decode()
        assert "---------" not in html, url
        add_forms.update(re.findall(r'href="(/[^"?]+/add/)"', html))
    assert len(add_forms) > 10
    for url in sorted(add_forms):
        # An add page may send elsewhere first (purchase orders start from approved requests).
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "---------" not in response.content.decode(), url


def test_the_list_filters_say_any(client, org_world):
    assert client.login(username="admin", password=PASSWORD)
    html = client.get("/audit/").content.decode()
    assert _empty_options(html) and set(_empty_options(html)) == {"Any"}
