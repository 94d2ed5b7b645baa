"""Hotspot detection finds the hotspots generate_cases injected, and little else."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from enquiries import policy
from enquiries.management.commands.generate_cases import Command as GenerateCases
from insight import hotspots, rollups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_detection_finds_the_injected_hotspots_and_flags_few_others(client, settings):
    call_command("seed_demo", cases=0, stdout=io.StringIO())
    command = GenerateCases(stdout=io.StringIO())
    call_command(command, count=6000, realistic=True, hotspots=3, seed=7)
    injected = {(spot.service_id, spot.ward_code) for spot in command.shaper.injected}
    assert len(injected) == 3
    rollups.refresh()

    found = {(h.service_id, h.place_code) for h in hotspots.detect(today=timezone.localdate())}

    assert injected <= found
    assert len(found - injected) <= 1  # alpha 0.001 over ~1,000 service-ward pairs

    settings.STAFF_REQUIRE_2FA = False
    manager = UserFactory(groups=[policy.MANAGER])
    client.force_login(manager)
    html = client.get("/staff/insight/hotspots/").content.decode()
    assert 'id="place-map-config"' in html  # the hotspots on a map (the demo directory places them)
    for spot in command.shaper.injected:
        assert f"place=ward%3A{spot.ward_code}" in html  # each listed, linking to its cases


def test_a_small_rise_is_not_flagged():
    assert hotspots.poisson_at_least(3, 0.5) < 0.02  # significant on its own, but
    assert hotspots.MIN_COUNT > 3  # under the minimum count: never flagged as noise


def test_the_poisson_tail_is_right():
    assert hotspots.poisson_at_least(0, 2.0) == 1.0
    assert abs(hotspots.poisson_at_least(1, 2.0) - (1 - 0.1353352832)) < 1e-9
    assert abs(hotspots.poisson_at_least(10, 3.0) - 0.001102488) < 1e-6
