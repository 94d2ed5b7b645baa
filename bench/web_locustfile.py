"""Locust users for bench/web_journey.py: residents filing a pothole report through every page of
the real journey, and the two floors (a bare ModelForm view inside the portal, and a bare Django
project on its own server); the bench runs each class alone.

Every request's latency (float milliseconds) is also written to WEB_BENCH_TIMINGS as JSON, so the
report computes medians from exact values rather than Locust's rounded ones.

Every class is a closed loop (``constant(0)``): each of N clients sends its next request as soon
as the last is answered, so N clients keep N requests in flight whichever class runs. (The
earlier ``between(0, 0.05)`` paused once per task: after every 2 requests of a floor user but
only after every 22 of a resident, so at 4 clients the floor had about 1.7 requests in flight
and the journey about 3.5, on 2 workers, and the ratios measured that queueing, not cost.)
"""

import json
import os
import re
import uuid
from collections import defaultdict

from locust import HttpUser, constant, events, task

SERVICE = os.environ.get("WEB_BENCH_SERVICE", "report-a-pothole")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="journey_key" value="([^"]+)"')
TRACK = re.compile(r'href="(/track/[^"]+/)"')
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)
TIMINGS: dict[str, list[float]] = defaultdict(list)


@events.request.add_listener
def _record(name, response_time, exception, **_kwargs):
    if exception is None:
        TIMINGS[name].append(response_time)


@events.quitting.add_listener
def _write(environment, **_kwargs):
    path = os.environ.get("WEB_BENCH_TIMINGS")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(TIMINGS, handle)


class Resident(HttpUser):
    """One journey per task: every page, with its CSRF token and journey key, as a browser."""

    wait_time = constant(0)

    def _get(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: {response.status_code}")
            return response.text

    def _post(self, path: str, name: str, page: str, data: dict, files=None) -> str:
        """POST a page's form; returns the Location it redirects to (the next page)."""
        form = {
            "csrfmiddlewaretoken": CSRF.search(page).group(1),
            "journey_key": KEY.search(page).group(1) if KEY.search(page) else "",
            **data,
        }
        with self.client.post(
            path, data=form, files=files, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"{name}: {response.status_code} {response.text[:300]}")
                return ""
            return response.headers["Location"]

    @task
    def file_a_report(self) -> None:
        self._get("/", "GET home")
        self._get("/search/?q=pothole", "GET search")
        self._get(f"/services/{SERVICE}/", "GET service")
        response = self.client.get(
            f"/services/{SERVICE}/start/", name="GET start", allow_redirects=False
        )
        url = response.headers.get("Location", "")
        answers = {
            "where": {"address": "Ribble Lane, Northmoor", "postcode": "PR9 9ZZ"},
            "nearby": {"follow": "new"},
            "q-location_detail": {"answer": "Outside number 12"},
            "q-depth": {"answer": "4cm to 10cm"},
            "q-road_or_pavement": {"answer": "In the road"},
            "q-size": {"answer": "Smaller than a dinner plate"},
            "describe": {"description": f"Deep pothole by the bus stop {uuid.uuid4().hex[:8]}"},
            "files": {"action": "continue"},
            "contact": {
                "full_name": "Siân O'Brien-Ng",
                "email": f"bench-{uuid.uuid4().hex[:12]}@example.com",
                "phone": "",
                "updates": "email",
            },
        }
        for _page in range(20):
            if not url:
                return
            step = url.rstrip("/").rsplit("/", 1)[-1]
            name = "q-*" if step.startswith("q-") else step
            page = self._get(url, f"GET {name}")
            if step == "check":
                sent = self._post(url, "POST check (creates the case)", page, {})
                if sent:
                    confirmation = self._get(sent, "GET sent")
                    track = TRACK.search(confirmation)
                    if track:
                        self._get(track.group(1), "GET track")
                return
            data = answers.get(step)
            if data is None:  # a question this script does not know: take the first option
                choice = re.search(r'name="answer"[^>]*value="([^"]*)"', page)
                data = {"answer": choice.group(1) if choice else "x"}
            files = {"files": ("pothole.png", PNG, "image/png")} if step == "files" else None
            url = self._post(url, f"POST {name}", page, data, files)


class PortalFloor(HttpUser):
    """The floor inside the portal: a bare ModelForm view behind the portal's own middleware."""

    wait_time = constant(0)

    @task
    def save_one_row(self) -> None:
        page = self.client.get("/bench/baseline/", name="portal floor GET").text
        token = CSRF.search(page).group(1)
        service = re.search(r'<option value="(\d+)"', page).group(1)
        self.client.post(
            "/bench/baseline/",
            data={"csrfmiddlewaretoken": token, "service": service, "answered": "on"},
            name="portal floor POST",
            allow_redirects=False,
        )


class BareFloor(HttpUser):
    """The true floor: a bare Django project (bench/floor_project/) on its own server."""

    wait_time = constant(0)

    @task
    def save_one_row(self) -> None:
        url = os.environ["WEB_BENCH_FLOOR_URL"]
        page = self.client.get(url, name="bare GET").text
        self.client.post(
            url,
            data={"csrfmiddlewaretoken": CSRF.search(page).group(1), "name": "x", "answered": "on"},
            name="bare POST",
            allow_redirects=False,
        )
