"""HTML to safe text, the display sanitiser, and stripping quoted reply history."""

from __future__ import annotations

import pytest

from channels.inbound_email.html_text import html_to_text
from channels.inbound_email.quoting import strip_quoted


def test_html_to_text_drops_active_content_and_keeps_links():
    html = (
        "<html><head><title>T</title><style>p{color:red}</style>"
        "<script>alert('x')</script></head><body>"
        "<p>Hello &amp; welcome,<br>second line</p>"
        "<div>Click <a href='https://example.com/x'>here</a> or "
        "<a href='javascript:alert(1)'>this</a>.</div>"
        "<p><a href='https://example.com'>https://example.com</a> "
        "<a href='mailto:a@b.example'>a@b.example</a></p>"
        "<img src='https://tracker.example/p.gif'><img src='cid:logo' alt='Council logo'>"
        "<noscript>enable js</noscript><template>tpl</template>"
        "</body></html>"
    )
    assert html_to_text(html) == (
        "Hello & welcome,\nsecond line\n\n"
        "Click here [https://example.com/x] or this.\n\n"
        "https://example.com a@b.example\n\n"
        "[Council logo]"
    )


def test_html_structure_becomes_lines():
    html = (
        "<h1>Title</h1><ul><li>one</li><li>two</li></ul>"
        "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
        "<pre>  keep\n    spacing</pre><p>a<br><br>b</p><hr>end"
    )
    assert html_to_text(html) == (
        "Title\n\n- one\n- two\n\na b\nc\n\n  keep\n    spacing\n\na\n\nb\n\n----\n\nend"
    )


def test_blockquote_becomes_quoted_lines_for_reply_stripping():
    html = (
        "<div>Thanks, that works.</div>"
        "<div>On Tue, 5 Nov 2024 at 10:15, Council &lt;c@example.gov.uk&gt; wrote:</div>"
        "<blockquote class='gmail_quote'><p>Dear Jane,</p><p>We fixed it.</p></blockquote>"
    )
    text = html_to_text(html)
    assert "> Dear Jane," in text and "> We fixed it." in text
    assert strip_quoted(text) == "Thanks, that works."


def test_unclosed_head_does_not_hide_the_body():
    assert html_to_text("<html><head><meta charset=utf-8><body><p>Visible</p>") == "Visible"


def test_html_to_text_is_safe_on_junk():
    assert html_to_text("") == ""
    assert html_to_text("<<<>>>&&&;;;</p></div>") != ""
    assert html_to_text("<script>never closed" + "x" * 1000) == ""
    assert html_to_text("<div>" * 5000 + "deep") == "deep"


GMAIL = """Yes, Thursday is fine.

Jane

On Tue, 5 Nov 2024 at 10:15, Northmoor County Council <
contact@northmoor.gov.uk> wrote:

> Dear Jane,
> Can we visit on Thursday?
"""

OUTLOOK = """Yes please.

________________________________
From: Northmoor County Council <contact@northmoor.gov.uk>
Sent: 05 November 2024 14:00
To: Jane Doe <jane@example.org>
Subject: Your case

Dear Jane"""

OUTLOOK_BOLD = """Fine.

*From:* Council <c@example.gov.uk>
*Sent:* Tuesday, November 5, 2024 2:00 PM
*To:* Jane
*Subject:* Your case

Dear Jane"""

ORIGINAL = """See below.

-----Original Message-----
From: Council
Sent: Tuesday
Subject: x

old text"""

INLINE = """On Tue, 5 Nov 2024, Council wrote:
> Which bin?
The green one.
> When?
Monday.
--
Jane"""

SIGNATURE_AFTER_QUOTE = """Thanks!

> earlier message
> more
--
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GMAIL, "Yes, Thursday is fine.\n\nJane"),
        (OUTLOOK, "Yes please."),
        (OUTLOOK_BOLD, "Fine."),
        (ORIGINAL, "See below."),
        (INLINE, "The green one.\nMonday.\n--\nJane"),
        (SIGNATURE_AFTER_QUOTE, "Thanks!"),
        ("No quote here.\n-- \nJane Smith\n0770", "No quote here.\n--\nJane Smith\n0770"),
        ("", ""),
    ],
)
def test_strip_quoted(text, expected):
    assert strip_quoted(text) == expected


FORWARD = """See my neighbour's email.

---------- Forwarded message ---------
From: Neighbour <n@example.org>
Date: Mon, 4 Nov 2024
Subject: Hedge
To: Jane

Your hedge is too tall."""


@pytest.mark.parametrize(
    "text",
    [
        "> only a quote\n> nothing new",  # all quote: keep it rather than show nothing
        "On Monday I wrote about the bins.\nStill nothing.",
        "From: me\nI moved house last week.",
        FORWARD,  # forwarded content is what the resident wants us to read
    ],
)
def test_text_without_reply_history_is_kept(text):
    assert strip_quoted(text) == text
