from django.test import RequestFactory

from channels.web.ratelimit import client_ip


def test_without_proxies_the_socket_address_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"  # a forged header is ignored


def test_behind_one_proxy_the_address_it_appended_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    assert client_ip(request) == "198.51.100.7"  # not the client-supplied 1.2.3.4
