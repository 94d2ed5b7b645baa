"""Real mail servers on loopback for the email channel's tests.

* ``dovecot``: Debian's dovecot-imapd started by the test itself on a free 127.0.0.1 port, with a
  generated config in a temporary directory: IMAP over TLS only (a self-signed certificate made
  with ``openssl``), plain auth against a static passdb for one user, Maildir storage in the
  temporary directory. Missing dovecot skips locally but FAILS when REQUIRE_REAL_SERVICES=1 (CI).
* ``smtp_server``: an aiosmtpd server on a free loopback port that receives our outbound mail,
  with Django's SMTP mailer pointed at it.
"""

from __future__ import annotations

import email
import email.policy
import imaplib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DOVECOT = os.environ.get("DOVECOT_BIN", "/usr/sbin/dovecot")
IMAP_USER = "council"
IMAP_PASSWORD = "imap-test-password"  # noqa: S105 - a throwaway server's test user


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not listen on {port}: {log.read_text()[-2000:]}")


@pytest.fixture
def mail_settings(settings, tmp_path):
    """The project's media and mail fixture (the parser tests' conftest turns it off here)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    # The channel's older tests write mail without Authentication-Results: they run as a mailbox
    # whose server does not add them. The DMARC tests (test_authentication.py) switch it on.
    settings.EMAIL_AUTHSERV_ID = "mx.northmoor.example"
    settings.EMAIL_AUTH_RESULTS_REQUIRED = False
    settings.EMAIL_AUTH_RESULTS_RECEIVED_ABOVE = 0
    return settings


def _mail_user(root: Path) -> tuple[int, int, str]:
    """Dovecot never stores mail as root: as root (CI) use the dovecot user, else ourselves."""
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam("dovecot")
        for sub in ("mail", "home"):
            os.chown(root / sub, entry.pw_uid, entry.pw_gid)
        return entry.pw_uid, entry.pw_gid, ""
    import getpass

    me = getpass.getuser()
    users = f"default_login_user = {me}\ndefault_internal_user = {me}\n"
    return os.getuid(), os.getgid(), users


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    ca_file: str
    folder: str = "INBOX"

    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=self.ca_file)
        conn = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=10)
        conn.login(self.user, self.password)
        return conn

    def append(self, raw: bytes) -> None:
        conn = self.client()
        try:
            typ, data = conn.append(self.folder, None, None, raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def undeleted_count(self) -> int:
        conn = self.client()
        try:
            conn.select(self.folder)
            typ, data = conn.uid("SEARCH", None, "UNDELETED")
            return len(data[0].split())
        finally:
            conn.logout()


@pytest.fixture
def dovecot():
    if not os.path.exists(DOVECOT) or shutil.which("openssl") is None:
        message = f"dovecot ({DOVECOT}) or openssl is not installed (apt-get install dovecot-imapd)"
        if os.environ.get("REQUIRE_REAL_SERVICES") == "1":
            pytest.fail(message + ": CI requires the real IMAP server")
        pytest.skip(message)
    # Not pytest's tmp_path: its parents are private (0700) and dovecot's mail user must enter.
    root = Path(tempfile.mkdtemp(prefix="portal-dovecot-"))
    for sub in ("run", "mail", "home"):
        (root / sub).mkdir()
    os.chmod(root, 0o755)
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    port = free_port()
    log = root / "dovecot.log"
    uid, gid, users = _mail_user(root)
    config = root / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {root}/run
log_path = {log}
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = 1
{users}mail_location = maildir:{root}/mail/%u
passdb {{
  driver = static
  args = password={IMAP_PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0600
  }}
}}
"""
    )
    proc = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_port(port, proc, log)
        yield Dovecot("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD, str(cert))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class SmtpInbox:
    host: str
    port: int
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


class _Handler:
    def __init__(self, inbox: SmtpInbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.inbox.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.inbox.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """aiosmtpd on loopback; Django's default mailer sends to it over real SMTP."""
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox("127.0.0.1", free_port())
    controller = Controller(_Handler(inbox), hostname=inbox.host, port=inbox.port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": inbox.host, "port": inbox.port, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()
