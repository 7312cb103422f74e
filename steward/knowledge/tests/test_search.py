"""Full-text search: ranking, visibility, the index following edits, and the fallback."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from steward.core.permissions import Role
from steward.core.search import search as global_search
from steward.knowledge import fts, selectors, services


@pytest.fixture
def library(kb):
    a = kb["article"]
    return {
        "title": a("VPN connection drops", body="Check your home router.", status="published"),
        "body": a(
            "Working from home",
            body="When the VPN drops, restart the client.",
            status="published",
        ),
        "keywords": a(
            "Remote access client", body="Install it.", keywords="vpn, tunnel", status="published"
        ),
        "printer": a("Map a network printer", body="Open Settings.", status="published"),
        "draft": a("VPN draft", body="Not ready."),
        "internal": a("VPN servers", body="Internal.", status="published", visibility="internal"),
    }


def test_the_expected_search_engine_and_its_index_exist_on_this_database(db):
    expected = {"postgresql": fts.POSTGRES, "sqlite": fts.FTS5}[connection.vendor]
    assert fts.backend() == expected
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'kb_article_fts'")
            definition = cursor.fetchone()[0]
            assert "gin" in definition and "setweight" in definition
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [fts.FTS_TABLE])
            assert "fts5" in cursor.fetchone()[0]


def test_a_title_match_ranks_above_a_keyword_match_above_a_body_match(kb, library):
    hits = selectors.article_search(kb["users"][Role.EMPLOYEE], "vpn")
    titles = [h.title for h in hits]
    assert titles == ["VPN connection drops", "Remote access client", "Working from home"]
    assert hits[0].score > hits[1].score > hits[2].score


def test_search_never_returns_what_the_reader_may_not_read(kb, library):
    employee = {h.title for h in selectors.article_search(kb["users"][Role.EMPLOYEE], "vpn")}
    agent = {h.title for h in selectors.article_search(kb["users"][Role.AGENT], "vpn")}
    assert "VPN draft" not in employee and "VPN servers" not in employee
    assert {"VPN draft", "VPN servers"} <= agent
    assert selectors.article_search(AnonymousUser(), "vpn") == []


def test_a_word_being_typed_matches_as_a_prefix(kb, library):
    hits = selectors.article_suggest(kb["users"][Role.EMPLOYEE], "my prin")
    assert [h.title for h in hits] == ["Map a network printer"]


def test_all_words_must_match_first_and_any_word_is_the_fallback(kb, library):
    user = kb["users"][Role.EMPLOYEE]
    assert [h.title for h in selectors.article_search(user, "vpn router")] == [
        "VPN connection drops"
    ]
    found = {h.title for h in selectors.article_search(user, "printer teleport")}
    assert found == {"Map a network printer"}


def test_stemming_finds_other_forms_of_a_word(kb, library):
    hits = selectors.article_search(kb["users"][Role.EMPLOYEE], "printers")
    assert [h.title for h in hits] == ["Map a network printer"]


def test_the_index_follows_edits_and_deletes(kb, library):
    agent = kb["users"][Role.AGENT]
    printer = library["printer"]
    services.article_update(article=printer, actor=agent, data={"title": "Add a plotter"})
    assert selectors.article_search(agent, "plotter")[0].pk == printer.pk
    assert selectors.article_search(agent, "printer") == []
    printer.delete()
    assert selectors.article_search(agent, "plotter") == []


@pytest.mark.parametrize(
    "query", ['"vpn', "vpn*", "NEAR(vpn", "vpn OR", "a:b & !c | (", "'; drop table --", "é ü"]
)
def test_query_syntax_in_what_people_type_is_harmless(kb, library, query):
    selectors.article_search(kb["users"][Role.AGENT], query)


def test_an_empty_query_finds_nothing(kb, library):
    assert selectors.article_search(kb["users"][Role.AGENT], "  ? ") == []


def test_suggestions_are_published_articles_even_for_staff(kb, library):
    titles = {h.title for h in selectors.article_suggest(kb["users"][Role.AGENT], "vpn")}
    assert "VPN draft" not in titles and "VPN connection drops" in titles


def test_the_fallback_ranks_by_matching_column_when_fts_is_missing(kb, library, monkeypatch):
    monkeypatch.setattr(fts, "backend", lambda conn=None: fts.FALLBACK)
    hits = selectors.article_search(kb["users"][Role.EMPLOYEE], "vpn")
    assert [h.title for h in hits] == [
        "VPN connection drops",
        "Remote access client",
        "Working from home",
    ]


def test_install_is_idempotent_and_restores_missing_triggers(db):
    if connection.vendor != "sqlite":
        assert fts.install() == fts.POSTGRES
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {fts.FTS_TABLE}_au")
    assert fts.install() == fts.FTS5
    assert fts.install() == fts.FTS5
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name LIKE %s",
            [f"{fts.FTS_TABLE}%"],
        )
        assert cursor.fetchone()[0] == 3


def test_global_search_finds_articles_the_user_may_read(kb, library):
    labels = {h.label for h in global_search(user=kb["users"][Role.EMPLOYEE], query="vpn")}
    assert "VPN connection drops" in labels and "VPN draft" not in labels


def test_the_suggest_fragment_lists_links_for_what_is_typed(kb, library, client):
    client.force_login(kb["users"][Role.EMPLOYEE])
    html = client.get("/knowledge/suggest/", {"title": "printer"}).content.decode()
    assert f'href="/knowledge/articles/{library["printer"].slug}/"' in html
    assert (
        "No matching articles" in client.get("/knowledge/suggest/", {"q": "zzzz"}).content.decode()
    )
    assert client.get("/knowledge/suggest/").content.strip() == b""


def test_anonymous_suggestions_are_public_articles_only(kb, library, client):
    html = client.get("/knowledge/suggest/", {"q": "vpn"}).content.decode()
    assert "VPN" not in html
