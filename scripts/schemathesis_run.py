"""Fuzz the partner API against its published OpenAPI schema (CI: .ci/run).

Starts the portal on 127.0.0.1 (an ephemeral port) in this process, with a partner token and the
demo service catalogue in the database named by DATABASE_URL, then runs Schemathesis over the
whole /api/v1/ schema with bounded examples: it fails on any server error or any response that
does not conform to the schema. Usage: python scripts/schemathesis_run.py [--max-examples N]
"""

import argparse
import os
import subprocess
import sys
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("PORTAL_ENV", "test")

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


class ThreadingServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request, client_address):
        thread = threading.Thread(target=self._handle, args=(request, client_address), daemon=True)
        thread.start()

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


def prepare() -> str:
    """Migrate, load the catalogue, and issue a token (a fresh one each run)."""
    import logging

    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 4xx are the point; 5xx show
    call_command("migrate", verbosity=0, interactive=False)
    from enquiries.api.partners import issue_token
    from enquiries.models import PartnerOrganisation, Service

    if not Service.objects.exists():
        call_command("seed_demo", verbosity=0)
    PartnerOrganisation.objects.filter(name="Schemathesis").delete()
    partner, token = issue_token(name="Schemathesis", contact_email="fuzz@example.org")
    partner.requests_per_minute = 100_000  # exercise the API, not the rate limit
    partner.save(update_fields=["requests_per_minute"])
    return token


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=25)
    args = parser.parse_args()
    token = prepare()
    from django.core.wsgi import get_wsgi_application

    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), ThreadingServer, handler_class=QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{base}/api/v1/schema/",
        "--checks",
        CHECKS,
        "--max-examples",
        str(args.max_examples),
        "--header",
        f"Authorization: Bearer {token}",
        "--seed",
        "311",
        "--request-timeout",
        "30",
        "--workers",
        "1",
    ]
    try:
        return subprocess.run(command, check=False, cwd=ROOT).returncode  # noqa: S603
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
