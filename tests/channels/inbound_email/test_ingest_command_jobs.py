"""The pipe door spreads a large batch over processes and still reports every file in order."""

from email.message import EmailMessage

import pytest
from django.core.management import call_command

from channels.inbound_email.models import InboundMessage
from enquiries.models import Case

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # pytest's own threads (live server, browser) make Python warn about fork(); the children
    # only open new database connections.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


def write_messages(folder, count):
    paths = []
    for n in range(count):
        message = EmailMessage()
        message["From"] = f"Resident {n} <resident{n}@example.org>"
        message["To"] = "contact@northmoor.example"
        message["Subject"] = f"Bin not collected, house {n}"
        message["Message-ID"] = f"<batch-{n}@example.org>"
        message.set_content(f"Our bin at number {n} was missed.")
        path = folder / f"{n:03d}.eml"
        path.write_bytes(message.as_bytes())
        paths.append(str(path))
    return paths


def test_a_batch_in_two_processes_stores_each_message_once_and_reports_in_order(tmp_path, capsys):
    paths = write_messages(tmp_path, 12)
    call_command("ingest_email", *paths, jobs=2)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == paths
    assert all("new case" in line for line in lines)
    assert InboundMessage.objects.count() == 12 and Case.objects.count() == 12

    call_command("ingest_email", *paths, jobs=2)  # piped again: duplicates, nothing new
    again = capsys.readouterr().out.splitlines()
    assert all("duplicate of message" in line for line in again)
    assert Case.objects.count() == 12
