"""``{% fixed_url 'web:privacy' %}``: a link every page carries, reversed once per process."""

from django import template

from channels.web.fixed_urls import fixed_url as _fixed_url

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return _fixed_url(name)
