"""Keyboard and labelling basics, and the dark theme."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Inputs a person can reach that have no accessible name: no <label for>, no wrapping label,
# no aria-label or aria-labelledby.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""


def test_skip_link_is_the_first_stop_and_moves_to_the_content(session, org_world):
    s = session("skip-link")
    s.login("agent")
    s.goto("/org/people/")
    s.page.keyboard.press("Tab")
    focused = s.page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    box = s.page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0  # visible once focused
    s.shot("skip-link-focused")
    s.page.keyboard.press("Enter")
    # Following a fragment link is a navigation the page finishes on its own turn: wait for
    # it (bounded) rather than read the address in the same tick as the key press.
    s.page.wait_for_url(re.compile(r"#main$"), timeout=5000)
    assert s.page.evaluate("document.querySelector('#main').getBoundingClientRect().top") < 200


@pytest.mark.parametrize(
    "path",
    ["/org/people/", "/org/people/add/", "/org/organisations/add/", "/org/teams/add/", "/profile/"],
)
def test_every_input_has_a_label(session, org_world, path):
    s = session("labels")
    s.login("admin")
    response = s.goto(path)
    assert response.status == 200
    assert s.page.evaluate(UNLABELLED) == []


def test_dark_theme_is_applied_and_readable(session, org_world):
    user = org_world["users"]["admin"]
    user.theme = "dark"
    user.save(update_fields=["theme"])
    s = session("dark-theme")
    s.login("admin")
    assert s.page.evaluate("document.documentElement.dataset.theme") == "dark"
    s.shot("home")
    s.goto("/org/people/")
    background = s.page.evaluate("getComputedStyle(document.body).backgroundColor")
    color = s.page.evaluate("getComputedStyle(document.body).color")
    assert _luminance(background) < 0.2 < _luminance(color)
    s.shot("people")
    s.page.get_by_role("link", name="employee Internal").click()
    s.page.locator("#tab-panel .history-entry").first.wait_for()
    s.shot("detail")


def _luminance(css_color: str) -> float:
    parts = css_color[css_color.index("(") + 1 : css_color.index(")")].split(",")
    r, g, b = (float(p) / 255 for p in parts[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
