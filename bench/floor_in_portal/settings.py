"""The portal's settings, with a URLconf that adds the floor view and its template folder."""

from pathlib import Path

from portal.settings import *  # noqa: F403 - the portal exactly, plus the two lines below
from portal.settings import TEMPLATES

ROOT_URLCONF = "bench.floor_in_portal.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent]
