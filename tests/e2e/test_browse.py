"""Browsing a list: filter as you type (HTMX), sort, open a detail page, export CSV."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def first_column(s) -> list[str]:
    """The linked (first data) column of each row; a selection checkbox may come before it."""
    return s.page.evaluate(
        "[...document.querySelectorAll('#list-table tbody tr')]"
        ".map(r => (r.querySelector('td a') || r).textContent.trim())"
    )


def test_people_list_filters_as_you_type_sorts_and_opens_a_detail(session, org_world):
    s = session("browse-people")
    s.login("admin")
    s.page.get_by_role("link", name="People", exact=True).click()
    s.page.wait_for_url("**/org/people/")
    assert s.page.locator("link[href$='pico.min.css']").count() == 1
    # Pico applied: the stylesheet really loaded through the live server's static handler.
    font = s.page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font or "Segoe" in font or "Roboto" in font
    assert s.page.evaluate("typeof window.htmx") == "object"
    assert s.table_rows() == 7
    s.shot("list")

    # A marker on window survives only if the table is swapped in place (no page load).
    s.page.evaluate("window.__sameDocument = true")
    with s.page.expect_response(re.compile(r"/org/people/\?.*q=acme")) as answer:
        s.page.get_by_label("Search", exact=True).press_sequentially("acme", delay=40)
    assert answer.value.request.headers.get("hx-request") == "true"
    s.page.wait_for_function("document.querySelectorAll('#list-table tbody tr').length === 1")
    assert s.page.evaluate("window.__sameDocument") is True
    assert "q=acme" in s.page.url  # hx-push-url keeps the filter in the address bar
    assert first_column(s) == ["acme_contact Contact"]
    s.shot("filtered")

    s.page.get_by_label("Search", exact=True).fill("")
    s.page.wait_for_function("document.querySelectorAll('#list-table tbody tr').length === 7")
    header = s.page.locator("#list-table thead").get_by_role("link", name=re.compile("^Name"))
    header.click()
    s.page.wait_for_url(re.compile(r"sort=full_name"))
    s.page.wait_for_function("document.querySelector('#list-table thead').innerText.includes('▲')")
    ascending = first_column(s)
    s.page.locator("#list-table thead").get_by_role("link", name=re.compile("^Name")).click()
    s.page.wait_for_url(re.compile(r"sort=-full_name"))
    s.page.wait_for_function("document.querySelector('#list-table thead').innerText.includes('▼')")
    descending = first_column(s)
    assert ascending[0].endswith("Contact") and descending[0].endswith("Internal")
    assert sorted(ascending) == sorted(descending) and len(ascending) == 7
    assert s.page.url.count("kind=") == 1  # filters are not repeated into the sort links
    s.shot("sorted")

    # Filtering again keeps the chosen order.
    s.page.get_by_label("Search", exact=True).fill("Internal")
    s.page.wait_for_function("document.querySelectorAll('#list-table tbody tr').length === 5")
    assert "sort=-full_name" in s.page.url and s.page.url.count("q=") == 1
    assert "▼" in s.page.locator("#list-table thead").inner_text()

    s.page.get_by_role("link", name="employee Internal").click()
    s.page.wait_for_url(re.compile(r"/org/people/\d+/$"))
    assert s.page.get_by_role("heading", name="employee Internal").is_visible()
    history = s.page.locator("#tab-panel .history-entry")
    history.first.wait_for()
    assert "Created" in history.first.inner_text()
    s.shot("detail-history")
    assert s.errors == []


def test_export_csv_downloads_the_filtered_rows(session, org_world):
    s = session("export")
    s.login("it_manager")
    s.goto("/org/people/?kind=employee")
    with s.page.expect_download() as download:
        s.page.get_by_role("button", name="CSV").click()
    path = download.value.path()
    lines = path.read_text(encoding="utf-8-sig").strip().splitlines()
    assert download.value.suggested_filename.endswith(".csv")
    assert lines[0].startswith("Name,E-mail")
    assert len(lines) == 1 + 5
    assert not any("Contact" in line for line in lines[1:])
