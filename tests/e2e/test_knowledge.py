"""Knowledge base in Chromium: an agent writes an article and submits it, an IT manager
publishes it from the review queue, an employee finds it by search and votes it helpful,
and an anonymous visitor reads it without logging in."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""

BODY = """Use this when you work away from the office.

## Connect

1. Click the **globe** icon in the system tray.
2. Choose **Connect** and approve the MFA prompt.
3. The icon shows a shield when you are connected.

## If it does not connect

- Check that your home internet works.
- Restart the laptop and try again.

| Status | Meaning |
| --- | --- |
| Connected | Internal sites and drives work. |
| Not connected | Check your internet first. |
"""


@pytest.fixture
def kb_world(org_world, make_user):
    from steward.core.permissions import Role
    from steward.knowledge.models import ArticleCategory

    make_user(Role.IT_MANAGER, username="manager")
    network = ArticleCategory.objects.create(name="Network and remote access")
    ArticleCategory.objects.create(name="VPN", parent=network)
    return org_world


def test_write_review_publish_find_and_vote(session, kb_world):
    from steward.knowledge.models import Article, ArticleFeedback

    agent = session("kb-agent")
    agent.login("agent")
    agent.goto("/knowledge/articles/")
    agent.page.get_by_role("button", name="Add").click()
    agent.page.wait_for_url("**/knowledge/articles/add/")
    agent.page.get_by_label("Title").fill("Connect to the VPN from home")
    agent.page.get_by_label("Summary").fill("Start GlobalProtect and sign in with MFA.")
    agent.page.get_by_label("Body").fill(BODY)
    agent.page.get_by_label("Category").select_option(label="VPN")
    agent.page.get_by_label("Visibility").select_option("public")
    agent.page.get_by_label("Keywords").fill("vpn, remote, globalprotect")
    assert agent.page.evaluate(UNLABELLED) == []
    agent.page.get_by_role("button", name="Show the body as readers will see it").click()
    agent.page.locator("#kb-preview ol li").first.wait_for()
    agent.shot("new-article")
    agent.page.get_by_role("button", name="Save").click()
    agent.page.wait_for_url("**/knowledge/articles/connect-to-the-vpn-from-home/")
    assert agent.page.get_by_role("heading", name="Connect to the VPN from home").is_visible()
    assert agent.page.locator(".kb-body ol li").count() == 3
    assert agent.page.locator(".kb-body table").is_visible()
    assert agent.page.evaluate(UNLABELLED) == []
    agent.shot("draft")
    agent.page.get_by_role("button", name="Submit for review").click()
    agent.page.wait_for_url("**/connect-to-the-vpn-from-home/")
    assert "Submitted for review" in agent.page.locator(".messages").inner_text()
    assert agent.page.get_by_role("button", name="Publish").count() == 0  # four eyes
    agent.shot("in-review")

    manager = session("kb-manager")
    manager.login("manager")
    assert manager.page.locator(".card", has_text="Articles waiting for my review").is_visible()
    manager.goto("/knowledge/review/")
    row = manager.page.locator("tr", has_text="Connect to the VPN from home")
    assert row.is_visible()
    manager.shot("review-queue")
    row.get_by_role("button", name="Publish").click()
    manager.page.wait_for_url("**/knowledge/review/")
    assert "Nothing waits for your review" in manager.page.inner_text("main")
    assert Article.objects.get().status == "published"

    employee = session("kb-employee")
    employee.login("employee")
    employee.goto("/knowledge/articles/")
    employee.page.get_by_label("Search", exact=True).fill("globalprot")
    employee.page.locator("#list-table").get_by_role(
        "link", name="Connect to the VPN from home"
    ).wait_for()
    employee.shot("search")
    employee.page.locator("#list-table").get_by_role(
        "link", name="Connect to the VPN from home"
    ).click()
    employee.page.wait_for_url("**/connect-to-the-vpn-from-home/")
    assert employee.page.get_by_role("heading", name="Was this helpful?").is_visible()
    assert employee.page.get_by_role("button", name="Retire").count() == 0
    employee.shot("article")
    employee.page.locator("#kb-feedback").get_by_role("button", name="Yes").click()
    employee.page.get_by_text("Thank you for your feedback.").wait_for()
    assert "1 person found this helpful" in employee.page.locator("#kb-feedback").inner_text()
    employee.shot("voted")
    vote = ArticleFeedback.objects.get()
    assert vote.helpful and vote.user.username == "employee"

    visitor = session("kb-anonymous")
    visitor.goto("/knowledge/articles/connect-to-the-vpn-from-home/")
    assert visitor.page.get_by_role("heading", name="Connect to the VPN from home").is_visible()
    visitor.page.locator("#kb-feedback").get_by_role("button", name="Yes").click()
    visitor.page.get_by_text("Thank you for your feedback.").wait_for()
    visitor.shot("public")
    assert Article.objects.get().helpful_count == 2
    for s in (agent, manager, employee, visitor):
        assert s.errors == [], s.errors


def test_the_suggest_fragment_follows_typing(session, kb_world):
    from steward.core.models import User
    from steward.knowledge import services

    agent = User.objects.get(username="agent")
    manager = User.objects.get(username="manager")
    article = services.article_create(
        actor=agent, data={"title": "Map a network printer", "body": "Open Settings."}
    )
    services.article_submit_for_review(article=article, actor=agent)
    services.article_publish(article=article, actor=manager)

    s = session("kb-suggest")
    s.login("employee")
    s.goto("/knowledge/suggest/?q=prin")
    link = s.page.get_by_role("link", name="Map a network printer")
    assert link.is_visible()
    assert re.search(r"/knowledge/articles/map-a-network-printer/$", link.get_attribute("href"))
    assert s.errors == []


def test_edit_then_compare_and_restore_a_version(session, kb_world):
    from steward.core.models import User
    from steward.knowledge import services

    agent = User.objects.get(username="agent")
    article = services.article_create(
        actor=agent, data={"title": "Fix Teams audio", "body": BODY, "visibility": "employees"}
    )
    s = session("kb-versions")
    s.login("agent")
    s.goto(f"/knowledge/articles/{article.pk}/edit/")
    s.page.get_by_label("Body").fill(BODY.replace("Restart the laptop", "Reinstall the client"))
    s.page.get_by_label("What changed").fill("Reinstall instead of restart")
    s.page.get_by_role("button", name="Save").click()
    s.page.wait_for_url("**/knowledge/articles/fix-teams-audio/")
    s.page.get_by_role("button", name="Versions").click()
    s.page.wait_for_url("**/versions/")
    diff = s.page.locator(".kb-diff")
    assert "Restart the laptop" in diff.locator(".kb-diff-del").inner_text()
    assert "Reinstall the client" in diff.locator(".kb-diff-add").inner_text()
    s.shot("diff")
    s.page.get_by_role("button", name="Restore version 1").click()
    s.page.wait_for_url("**/versions/")
    assert "Restored version 1" in s.page.locator(".messages").inner_text()
    s.shot("restored")
    article.refresh_from_db()
    assert (article.version, article.body) == (3, BODY)
    assert s.errors == []
