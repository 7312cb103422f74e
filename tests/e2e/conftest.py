"""End-to-end fixtures: Debian's Chromium driven by Playwright against pytest-django's live
server. Without Chromium the tests skip outside CI and fail under CI=true."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import require_service

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# arrange and check data are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("STEWARD_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1366, "height": 820}


def _chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_service(f"Chromium ({CHROMIUM})", _chromium_available())
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev extra missing
        require_service("Playwright (pip install -e '.[dev]')", False)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The live server thread shares these settings; hashing seven logins with PBKDF2 per test
    # would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Session:
    """One browser context (its own cookies) on the live server, with screenshot steps."""

    def __init__(self, browser: Any, base_url: str, name: str) -> None:
        self.context = browser.new_context(viewport=VIEWPORT, base_url=base_url, locale="en-GB")
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        """Script errors and server errors (5xx) seen by the page; 4xx answers are expected
        in several scenarios and asserted where they matter."""
        self.page.on("pageerror", lambda exc: self.errors.append(f"script: {exc}"))
        self.page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
        )
        self.name = name
        self.step = 0

    def goto(self, path: str) -> Any:
        return self.page.goto(path)

    def login(self, username: str, password: str | None = None) -> None:
        from steward.core.testing import PASSWORD

        self.page.goto("/login/")
        self.page.get_by_label("User name").fill(username)
        self.page.get_by_label("Password").fill(password or PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(re.compile(r"/$"))

    def shot(self, label: str) -> Path:
        self.step += 1
        path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def nav_labels(self) -> list[str]:
        return [t.strip() for t in self.page.locator(".shell-nav a").all_inner_texts()]

    def table_rows(self) -> int:
        rows = self.page.locator("#list-table tbody tr")
        texts = rows.all_inner_texts()
        return 0 if len(texts) == 1 and "Nothing matches" in texts[0] else len(texts)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser, live_server, request) -> Iterator[Any]:
    """``session(name)`` opens a fresh browser context; all are closed after the test."""
    opened: list[Session] = []

    def open_session(name: str | None = None) -> Session:
        label = re.sub(r"[^a-z0-9]+", "-", (name or request.node.name).lower()).strip("-")
        s = Session(browser, live_server.url, label)
        opened.append(s)
        return s

    yield open_session
    for s in opened:
        s.close()
