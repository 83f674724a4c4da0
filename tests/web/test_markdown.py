"""Descriptions in Markdown: rendered as HTML, but raw HTML is escaped, unsafe link schemes
are left as text, links are marked as a user's, and headings sit under the page's own."""

from __future__ import annotations

import pytest

from holotype.web.markdown import markdown_html, markdown_text


def test_markdown_is_rendered() -> None:
    html = markdown_html("# Method\n\n*weekly* **traps**, `code`\n\n- one\n- two\n\n"
                         "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~")
    for part in ("<h3>Method</h3>", "<em>weekly</em>", "<strong>traps</strong>",
                 "<code>code</code>", "<li>one</li>", "<td>1</td>", "<s>gone</s>"):
        assert part in html, part
    assert markdown_html("") == "" and markdown_html(None) == ""


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=https://example.org></iframe>",
    "<style>body{display:none}</style>",
])
def test_raw_html_is_escaped(text: str) -> None:
    html = markdown_html(f"Before {text} after")
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "<style" not in html and "<a href=\"javascript" not in html
    assert "&lt;" in html


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
    "data:image/png;base64,iVBORw0KGgo=", "file:///etc/passwd", " javascript:alert(1)",
])
def test_unsafe_links_and_images_are_not_made(url: str) -> None:
    for text in (f"[click]({url})", f"![picture]({url})", f"<{url}>"):
        html = markdown_html(text)
        assert "href=" not in html and "src=" not in html, (text, html)


@pytest.mark.parametrize("url", [
    "https://example.org/x?a=1", "http://example.org", "mailto:someone@example.org",
    "/dataset/beetles", "#method", "notes.html",
])
def test_safe_links_are_kept_and_marked_as_a_users(url: str) -> None:
    html = markdown_html(f"[here]({url})")
    assert f'href="{url}"' in html and 'rel="nofollow ugc"' in html


def test_plain_words_for_listings() -> None:
    assert markdown_text("# Title\n\nSome *em* and [a link](https://x), `code`.") == (
        "Title Some em and a link, code.")
    assert markdown_text("<b>bold</b>") == "<b>bold</b>"  # autoescaped by the template
