"""Making the broker really unreachable for a test: a closed port on loopback."""

from contextlib import contextmanager

from enquiries import outbox
from portal.celery_app import app


@contextmanager
def unreachable_broker(url: str = "redis://127.0.0.1:1/0"):
    saved_url = app.conf.broker_url
    saved_options = app.conf.broker_transport_options
    app.conf.broker_url = url
    app.conf.broker_transport_options = {}
    _reset_pool()
    outbox.reset_circuit()
    try:
        yield
    finally:
        app.conf.broker_url = saved_url
        app.conf.broker_transport_options = saved_options
        _reset_pool()
        outbox.reset_circuit()


def _reset_pool() -> None:
    """Forget pooled connections and producers, which remember the old broker address.

    Celery's pool comes from kombu's process-wide registry (kombu.pools), so closing it alone
    would leave a closed pool registered for the real broker ("Acquire on closed pool" in every
    later test): reset the registry too.
    """
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
