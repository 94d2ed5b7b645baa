"""Every command the README tells a newcomer to run exists and takes the options it shows.

The partner API example and the demo's start and stop run for real in
tests/scripts/test_run_demo.py.
"""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()

# a command and the rest of its line up to the closing backtick, e.g. "apply_retention [--dry-run]"
MANAGE = sorted(set(re.findall(r"manage\.py ([a-z_]+)([^`\n]*)", README)))
MAKE_TARGETS = sorted(set(re.findall(r"`make ([a-z][a-z-]*)", README)) | {"run", "test"})


@pytest.mark.parametrize("name,rest", MANAGE, ids=[name for name, _ in MANAGE])
def test_readme_manage_commands_exist_with_their_options(name, rest):
    commands = get_commands()
    assert name in commands, f"README mentions manage.py {name}, which does not exist"
    command = load_command_class(commands[name], name)
    parser = command.create_parser("manage.py", name)
    known = {opt for action in parser._actions for opt in action.option_strings}
    for option in re.findall(r"(--[a-z][a-z-]*)", rest.split("#")[0]):
        assert option in known, f"manage.py {name} has no {option} (README shows it)"


@pytest.mark.parametrize("target", MAKE_TARGETS)
def test_readme_make_targets_exist(target):
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^{re.escape(target)}( [a-z-]+)*:", makefile, flags=re.M) or re.search(
        rf"^[a-z -]*\b{re.escape(target)}\b[a-z -]*:", makefile, flags=re.M
    ), f"README mentions make {target}, which the Makefile does not define"


def test_readme_webhook_verifier_accepts_our_signature_and_rejects_a_forgery():
    """The partner-facing Python example, run as written against enquiries.webhooks.sign."""
    import time

    from enquiries.webhooks import sign

    [snippet] = [
        b for b in re.findall(r"```python\n(.*?)```", README, flags=re.S) if "def verify" in b
    ]
    namespace: dict = {}
    exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    verify = namespace["verify"]
    body = b'{"event": "case.updated"}'
    timestamp = int(time.time())
    headers = {
        "X-Northmoor-Timestamp": str(timestamp),
        "X-Northmoor-Signature": sign("s3cret", timestamp, body),
    }
    assert verify("s3cret", headers, body)
    assert not verify("other", headers, body)
    assert not verify("s3cret", headers, body + b" ")
    stale = {**headers, "X-Northmoor-Timestamp": str(timestamp - 3600)}
    assert not verify("s3cret", stale, body)
