"""Article bodies are Markdown, rendered to HTML that is safe to show anyone.

markdown-it-py parses CommonMark with tables and strikethrough; raw HTML in the source is not
passed through, and nh3 (the Ammonia sanitiser) cleans the result again so that no script,
style, event handler or ``javascript:`` link can reach a reader, whatever the parser does.
"""

from __future__ import annotations

import html
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"style"},
    "td": {"style"},
    "code": {"class"},
}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def render_markdown(source: str) -> SafeString:
    html = _parser().render(source or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def plain_text(source: str, limit: int = 300) -> str:
    """The text of a Markdown source without markup, for summaries and previews."""
    text = nh3.clean(_parser().render(source or ""), tags=set()).strip()
    text = " ".join(html.unescape(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
