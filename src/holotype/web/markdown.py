"""Descriptions written in Markdown (CommonMark, with tables and strikethrough), rendered
safely for the pages: the one place a user's text becomes HTML.

Raw HTML in the text is never passed through: it is shown as the text it is (escaped). Links
and images keep only ``http``, ``https`` and ``mailto`` addresses and addresses on this portal
(``/dataset/...``, ``#part``); any other scheme (``javascript:``, ``data:``, ``vbscript:``...)
leaves the Markdown as plain text. Links carry ``rel="nofollow ugc"`` (the text is a user's).
Headings are moved down two levels (``#`` becomes ``<h3>``), under the page's own ``<h1>``
and ``<h2>``. The parser is made on first use (no state at import time).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
HEADING_SHIFT = 2
_PATH_START = re.compile(r"[/?#]")
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")  # spaces and controls hide a scheme from browsers


class _SafeMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # markdown-it's name
        # A colon before the first / ? or # makes the start a scheme (whatever its letters).
        head = _PATH_START.split(_UNSAFE.sub("", url), maxsplit=1)[0]
        return ":" not in head or head.partition(":")[0].lower() in ALLOWED_SCHEMES


def _link_open(renderer: Any, tokens: Sequence[Token], idx: int, options: Any,
               env: Any) -> str:
    tokens[idx].attrSet("rel", "nofollow ugc")
    text: str = renderer.renderToken(tokens, idx, options, env)
    return text


def _shift_headings(state: Any) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + HEADING_SHIFT)
            token.tag = f"h{level}"


@cache
def _parser() -> MarkdownIt:
    parser = _SafeMarkdown("commonmark", {"html": False, "linkify": False,
                                          "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.add_render_rule("link_open", _link_open)
    parser.core.ruler.push("shift_headings", _shift_headings)
    return parser


def markdown_html(text: str | None) -> Markup:
    """``text`` (Markdown) as safe HTML."""
    if not text:
        return Markup("")
    return Markup(_parser().render(text))  # the parser escapes: no raw HTML


def markdown_text(text: str | None) -> str:
    """``text`` (Markdown) as plain words, for listings that show a line of it."""
    if not text:
        return ""
    words: list[str] = []
    for token in _parser().parse(text):
        if token.type == "inline" and token.children:
            words.append("".join(child.content for child in token.children
                                 if child.type in ("text", "code_inline")))
    return " ".join(word for word in words if word)
