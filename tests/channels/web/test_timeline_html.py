"""The tracking page's timeline made in Python (channels/web/timeline.py) is the markup the
template loop made, byte for byte, with every value escaped."""

from datetime import UTC, datetime

import pytest
from django.template import engines

from channels.web.timeline import timeline_html
from enquiries.selectors import TimelineEntry

#: The loop track.html had before the timeline was made in Python.
TEMPLATE_LOOP = (
    "{% for entry in timeline %}\n"
    '      <li class="ncc-timeline__item">\n'
    '        <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{% if entry.who == "You" %}'
    "You wrote{% else %}{{ council_name }}{% endif %}</h3>\n"
    '        <p class="govuk-body-s ncc-secondary govuk-!-margin-bottom-1"><time datetime="'
    '{{ entry.when|date:\'c\' }}">{{ entry.when|date:"j F Y, g:ia" }}</time></p>\n'
    '        <p class="govuk-body ncc-wrap">{{ entry.text|linebreaksbr }}</p>\n'
    "      </li>\n"
    "      {% empty %}\n"
    '      <li class="ncc-timeline__item">'
    '<p class="govuk-body">Nothing has happened yet.</p></li>\n'
    "      {% endfor %}"
)

ENTRIES = [
    TimelineEntry(
        datetime(2026, 7, 1, 23, 30, tzinfo=UTC),  # the next day in London: local time shown
        "You",
        'My <b>bin</b> & "the lid"\r\nline two\nline three',
        "contact_web",
    ),
    TimelineEntry(datetime(2026, 1, 5, 9, 0, tzinfo=UTC), "Council", "<script>x</script>", "s"),
    TimelineEntry(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), "Council", "", "status"),
]


@pytest.mark.parametrize("entries", [ENTRIES, ENTRIES[:1], []])
@pytest.mark.parametrize("council", ["Northshire County Council", "A <&> 'Council'"])
def test_the_timeline_is_the_markup_the_template_made(entries, council):
    template = engines["django"].from_string(TEMPLATE_LOOP)
    expected = template.render({"timeline": entries, "council_name": council})

    assert timeline_html(entries, council) == expected


def test_every_value_is_escaped():
    html = timeline_html(ENTRIES, "A <&> Council")

    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;bin&lt;/b&gt; &amp; &quot;the lid&quot;<br>line two<br>line three" in html
    assert "A &lt;&amp;&gt; Council" in html
