"""import_postcodes: the ONSPD CSV (and names files) into the postcode directory."""

import io

import pytest
from django.core.management import CommandError, call_command

from enquiries.models import AreaName, PostcodeUnit
from tests.factories.places import NORTHMOOR, PLACES, WESTMINSTER, write_names, write_onspd

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_postcodes", *map(str, args), stdout=out)
    return out.getvalue()


def test_loads_every_documented_column_and_the_ward_names(tmp_path):
    onspd = write_onspd(tmp_path / "ONSPD.csv")
    names = write_names(tmp_path / "Ward names.csv")

    output = run(onspd, "--names", names)

    assert "Loaded 4 postcodes" in output
    row = PostcodeUnit.objects.get(postcode="PR1 8XJ")
    assert (row.latitude, row.longitude) == (53.7632, -2.7031)
    assert (row.county_code, row.ward_code, row.lsoa_code) == (NORTHMOOR, "E05099001", "E01099001")
    assert row.imd_rank == 1200
    assert PostcodeUnit.objects.get(postcode="PR2 9ZZ").terminated == "201906"
    assert AreaName.objects.get(code="E05099001").name == "Ribbleton"


def test_reads_lsoa11_when_the_file_predates_2021_areas(tmp_path):
    run(write_onspd(tmp_path / "old.csv", lsoa_column="lsoa11"))

    assert PostcodeUnit.objects.get(postcode="PR1 8XJ").lsoa_code == "E01099001"


def test_a_second_import_replaces_the_first(tmp_path):
    run(write_onspd(tmp_path / "a.csv"))
    run(write_onspd(tmp_path / "b.csv", places=PLACES[:2]))
    run(write_onspd(tmp_path / "b.csv", places=PLACES[:2]))

    assert sorted(PostcodeUnit.objects.values_list("postcode", flat=True)) == ["PR1 1AA", "PR1 8XJ"]


def test_can_keep_only_the_councils_own_area(tmp_path, settings):
    settings.COUNCIL_AREA_CODES = [NORTHMOOR]

    output = run(write_onspd(tmp_path / "a.csv"), "--only", "council")

    assert "Loaded 3 postcodes (4 read" in output
    assert not PostcodeUnit.objects.filter(district_code=WESTMINSTER).exists()


def test_postcodes_without_a_grid_reference_have_no_coordinates(tmp_path):
    place = ("PR9 9ZZ", 99.999999, 0.0, "", "", "", "", "", "")
    run(write_onspd(tmp_path / "a.csv", places=[place]))

    row = PostcodeUnit.objects.get(postcode="PR9 9ZZ")
    assert row.latitude is None and row.longitude is None and row.imd_rank is None


def test_malformed_rows_are_skipped_and_counted(tmp_path):
    bad = ("NOT A POSTCODE", 53.0, -2.0, NORTHMOOR, "", "", "", "", "")
    output = run(write_onspd(tmp_path / "a.csv", places=[*PLACES[:1], bad]))

    assert "Loaded 1 postcodes (2 read, 1 skipped as malformed)" in output


def test_a_file_that_is_not_the_onspd_is_refused_by_name(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("postcode,lat\nPR1 8XJ,53.7\n")

    with pytest.raises(CommandError, match=r"missing column\(s\) pcds, long, oscty"):
        run(other)


def test_a_names_file_without_code_and_name_columns_is_refused(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("code,label\nE1,x\n")

    with pytest.raises(CommandError, match="expected a ..CD and a ..NM column"):
        run(write_onspd(tmp_path / "a.csv"), "--names", names)


def test_reports_progress_on_large_files(tmp_path, monkeypatch):
    monkeypatch.setattr("enquiries.management.commands.import_postcodes.PROGRESS_EVERY", 2)
    output = run(write_onspd(tmp_path / "a.csv"))

    assert "2 rows read" in output and "4 rows read" in output


def test_a_postcode_listed_twice_is_refused_and_the_old_directory_stays(tmp_path):
    run(write_onspd(tmp_path / "a.csv"))

    with pytest.raises(CommandError, match="lists a postcode twice"):
        run(write_onspd(tmp_path / "b.csv", places=[PLACES[0], PLACES[0]]))

    assert PostcodeUnit.objects.count() == len(PLACES)


def test_loads_with_debug_on_as_make_run_does(tmp_path, settings):
    """DEBUG wraps the database cursor (CursorDebugWrapper): COPY must still work through it."""
    from django.db import connection

    settings.DEBUG = True
    connection.force_debug_cursor = True
    try:
        output = run(write_onspd(tmp_path / "a.csv"))
    finally:
        connection.force_debug_cursor = False

    assert "Loaded 4 postcodes" in output
