"""channels.web.fixed_urls: the same URL reverse() gives, under whatever prefix is served."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from channels.web.fixed_urls import fixed_url


@pytest.mark.parametrize(
    ("name", "args"),
    [("web:privacy", ()), ("performance", ()), ("web:step", ("report-a-pothole", "q-depth"))],
)
def test_it_is_what_reverse_gives(name, args):
    assert fixed_url(name, *args) == reverse(name, args=args)
    assert fixed_url(name, *args) == reverse(name, args=args)  # and again, remembered


def test_a_portal_served_under_a_prefix_links_under_it():
    before = get_script_prefix()
    plain = fixed_url("web:privacy")
    try:
        set_script_prefix("/council/")
        prefixed = fixed_url("web:privacy")
    finally:
        set_script_prefix(before)

    assert prefixed == "/council" + plain
    assert fixed_url("web:privacy") == plain


def test_the_footer_links_through_it(client, db):
    page = client.get(reverse("web:home")).content.decode()

    assert f'href="{reverse("web:privacy")}"' in page
    assert f'href="{reverse("web:accessibility")}"' in page
