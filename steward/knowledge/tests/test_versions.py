"""Every saved change of title, summary or body keeps a version; old versions come back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from steward.core.permissions import Role
from steward.knowledge import selectors, services


def test_every_text_change_keeps_a_version_and_counts_up(kb):
    agent = kb["users"][Role.AGENT]
    article = kb["article"]("VPN", body="one")
    article = services.article_update(
        article=article, actor=agent, data={"body": "two"}, note="typo"
    )
    article = services.article_update(article=article, actor=agent, data={"title": "VPN set-up"})
    rows = list(article.versions.order_by("number").values_list("number", "title", "body", "note"))
    assert rows == [(1, "VPN", "one", "Created"), (2, "VPN", "two", "typo"),
                    (3, "VPN set-up", "two", "")]  # fmt: skip
    assert article.version == 3


def test_a_change_of_other_fields_makes_no_new_version(kb):
    article = kb["article"]()
    article = services.article_update(
        article=article, actor=kb["users"][Role.AGENT], data={"keywords": "remote, tunnel"}
    )
    assert article.version == 1 and article.versions.count() == 1


def test_saving_unchanged_text_makes_no_new_version(kb):
    article = kb["article"]("Same", body="same")
    article = services.article_update(
        article=article, actor=kb["users"][Role.AGENT], data={"title": "Same", "body": "same"}
    )
    assert article.version == 1


def test_restoring_an_old_version_makes_its_text_current_as_a_new_version(kb):
    agent = kb["users"][Role.AGENT]
    article = kb["article"]("Wi-Fi", body="Join CorpNet.")
    article = services.article_update(article=article, actor=agent, data={"body": "Wrong"})
    article = services.article_restore_version(article=article, actor=agent, number=1)
    assert (article.version, article.body) == (3, "Join CorpNet.")
    assert article.versions.get(number=3).note == "Restored version 1"
    assert article.versions.count() == 3


def test_restoring_a_version_the_article_never_had_is_a_field_error(kb):
    article = kb["article"]()
    with pytest.raises(ValidationError) as exc:
        services.article_restore_version(article=article, actor=kb["users"][Role.AGENT], number=9)
    assert "number" in exc.value.message_dict


def test_diff_of_a_version_against_the_current_text_shows_added_and_removed_lines(kb):
    agent = kb["users"][Role.AGENT]
    article = kb["article"]("Teams audio", body="Check the headset.\nRestart Teams.")
    services.article_update(
        article=article, actor=agent, data={"body": "Check the headset.\nSelect the device."}
    )
    article.refresh_from_db()
    diff = selectors.version_diff(article.versions.get(number=1), article)
    assert ("del", "Restart Teams.") in diff
    assert ("add", "Select the device.") in diff
    assert ("ctx", "Check the headset.") in diff
