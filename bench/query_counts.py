"""Database queries per request for bench/web_journey.py: one resident journey through the portal
(Django's test client, in process, the same steps as bench/web_locustfile.py) or one GET and POST
of the bare floor project. Prints JSON {step name: queries}; the max per step name.

    .venv/bin/python bench/query_counts.py portal   # bench.floor_in_portal.settings
    (cd bench/floor_project && ../../.venv/bin/python ../query_counts.py floor)
"""

import json
import os
import re
import sys
import uuid
from pathlib import Path

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="journey_key" value="([^"]+)"')
TRACK = re.compile(r'href="(/track/[^"]+/)"')
ANSWERS = {
    "where": {"address": "Ribble Lane, Northmoor", "postcode": "PR9 9ZZ"},
    "nearby": {"follow": "new"},
    "describe": {"description": "Deep pothole by the bus stop"},
    "files": {"action": "continue"},
    "contact": {"full_name": "Siân O'Brien-Ng", "phone": "", "updates": "email"},
}


def counter():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts: dict[str, int] = {}

    def request(method: str, url: str, name: str, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, **kwargs)
        counts[name] = max(counts.get(name, 0), len(queries))
        return response

    return request, counts


def portal(service: str = "report-a-pothole") -> dict[str, int]:
    request, counts = counter()
    request("get", "/", "GET home")
    request("get", "/search/?q=pothole", "GET search")
    request("get", f"/services/{service}/", "GET service")
    url = request("get", f"/services/{service}/start/", "GET start")["Location"]
    floor_page = request("get", "/bench/baseline/", "portal floor GET").content.decode()
    floor_form = {
        "csrfmiddlewaretoken": CSRF.search(floor_page).group(1),
        "service": re.search(r'<option value="(\d+)"', floor_page).group(1),
        "answered": "on",
    }
    request("post", "/bench/baseline/", "portal floor POST", data=floor_form)
    for _page in range(20):
        step = url.rstrip("/").rsplit("/", 1)[-1]
        name = "q-*" if step.startswith("q-") else step
        page = request("get", url, f"GET {name}").content.decode()
        form = {"csrfmiddlewaretoken": CSRF.search(page).group(1)}
        if KEY.search(page):
            form["journey_key"] = KEY.search(page).group(1)
        if step == "check":
            sent = request("post", url, "POST check (creates the case)", data=form)["Location"]
            confirmation = request("get", sent, "GET sent").content.decode()
            request("get", TRACK.search(confirmation).group(1), "GET track")
            break
        data = dict(ANSWERS.get(step, {}))
        if step == "contact":
            data["email"] = f"bench-{uuid.uuid4().hex[:12]}@example.com"
        if not data:
            choice = re.search(r'name="answer"[^>]*value="([^"]*)"', page)
            data = {"answer": choice.group(1) if choice else "x"}
        url = request("post", url, f"POST {name}", data={**form, **data})["Location"]
    return counts


def floor() -> dict[str, int]:
    request, counts = counter()
    page = request("get", "/", "bare GET").content.decode()
    token = CSRF.search(page).group(1)
    request("post", "/", "bare POST", data={"csrfmiddlewaretoken": token, "name": "x"})
    request("get", "/", "bare GET")  # with the session the POST started
    return counts


def main() -> None:
    which = sys.argv[1]
    if which == "floor":
        sys.path.insert(0, str(Path(__file__).resolve().parent / "floor_project"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor.settings")
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor_in_portal.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(json.dumps(floor() if which == "floor" else portal()))


if __name__ == "__main__":
    main()
