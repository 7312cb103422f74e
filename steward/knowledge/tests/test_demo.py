"""The demo loader writes a believable knowledge base once, the same every time."""

from __future__ import annotations

import random

from steward.core.permissions import Role
from steward.knowledge import demo, selectors
from steward.knowledge.models import Article, ArticleFeedback, ArticleVersion


def _logins(make_user):
    make_user(Role.AGENT, username="agent")
    make_user(Role.IT_MANAGER, username="manager")
    return make_user(Role.EMPLOYEE, username="employee")


def test_demo_loads_about_forty_articles_in_every_state_once(make_user):
    employee = _logins(make_user)
    demo.load(rng=random.Random("demo-knowledge"), log=lambda m: None, password="x")
    counts = {s: Article.objects.filter(status=s).count() for s in
              ("published", "draft", "review", "retired")}  # fmt: skip
    assert counts == {"published": 38, "draft": 3, "review": 1, "retired": 1}
    assert ArticleVersion.objects.filter(number=2).count() >= 4
    assert ArticleFeedback.objects.count() > 50
    assert all("VPN" in a.title for a in selectors.article_search(employee, "vpn", 3))
    first = sorted(Article.objects.values_list("title", "helpful_count", "view_count"))
    demo.load(rng=random.Random("demo-knowledge"), log=lambda m: None, password="x")
    assert sorted(Article.objects.values_list("title", "helpful_count", "view_count")) == first


def test_demo_counters_equal_the_recorded_votes(make_user):
    _logins(make_user)
    demo.load(rng=random.Random("demo-knowledge"), log=lambda m: None)
    for article in Article.objects.all():
        votes = ArticleFeedback.objects.filter(article=article)
        assert article.helpful_count == votes.filter(helpful=True).count()
        assert article.unhelpful_count == votes.filter(helpful=False).count()
