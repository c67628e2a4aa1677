"""Census population estimates joined to registry organisations, and the Title II date that follows.

``sub-est-synthetic.csv`` is synthetic: made-up figures in the published column format of the
Census Bureau's sub-county estimates (SUMLEV, STATE, COUNTY, PLACE, COUSUB, CONCIT, PRIMGEO_FLAG,
FUNCSTAT, NAME, STNAME, ESTIMATESBASE2020, POPESTIMATE2020 ... POPESTIMATE2024).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from maturity.cli import main
from maturity.core import population
from maturity.core.title2 import deadline
from maturity.kernel.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures" / "title2"
CENSUS = FIXTURES / "sub-est-synthetic.csv"
SNAPSHOT = FIXTURES / "dotgov-2026-08-22.csv"


@pytest.fixture(scope="module")
def table() -> population.CensusTable:
    return population.parse_census(CENSUS.read_text(encoding="utf-8"), str(CENSUS))


@pytest.mark.parametrize(
    ("organisation", "state", "kind", "expected"),
    [
        ("City of Twentynine Palms", "CA", "city", ("Twentynine Palms city", 28500)),
        ("Gwinnett County Board of Commissioners", "GA", "county", ("Gwinnett County", 990000)),
        ("Gilmer County Sheriff's Office", "GA", "county", ("Gilmer County", 32200)),  # a county's office
        ("CIty of Powder Springs", "GA", "city", ("Powder Springs city", 17500)),
        ("Columbus Consolidated Government", "GA", "city", ("Columbus city (balance)", 205500)),
        ("City of Marietta", "GA", "city", ("Marietta city", 61800)),  # the SUMLEV 157 part is not counted
        ("Georgia Technology Authority", "GA", "state", ("Georgia", 11150000)),  # a state agency: the state
        ("Washington Township", "NJ", "city", ("Washington township", 48500)),  # not the borough, not the F row
        (
            "Unified Government of Athens-Clarke County",
            "GA",
            "county",
            ("Athens-Clarke County unified government (balance)", 127500),
        ),
    ],
)
def test_names_are_normalised_before_joining(table, organisation, state, kind, expected) -> None:
    found = population.match(table, organisation, state, kind)
    assert found.entity is not None, found.reason
    assert (found.entity.name, found.entity.population) == expected


@pytest.mark.parametrize(
    ("organisation", "state", "kind", "reason"),
    [
        ("City of Augusta", "GA", "city", "no Census entity in Georgia named place 'augusta'"),
        ("Milledgeville Police Department", "GA", "city", "no Census entity in Georgia"),
        ("Washington", "NJ", "city", "ambiguous: Washington township (48,500); Washington borough (7,250)"),
        ("Fulton County Board of Education", "GA", "school-district", "not in Census place or county estimates"),
        ("City of Twentynine Palms", "GA", "city", "no Census entity in Georgia"),  # another state's
    ],
)
def test_what_cannot_be_matched_is_reported_never_guessed(table, organisation, state, kind, reason) -> None:
    found = population.match(table, organisation, state, kind)
    assert found.entity is None
    assert reason in found.reason


def test_the_newest_year_is_read_unless_another_is_asked_for(table) -> None:
    assert table.year == 2024
    older = population.parse_census(CENSUS.read_text(encoding="utf-8"), str(CENSUS), 2021)
    assert population.match(older, "City of Twentynine Palms", "CA", "city").entity.population == 28200
    with pytest.raises(ConfigError, match="no POPESTIMATE2019 column"):
        population.parse_census(CENSUS.read_text(encoding="utf-8"), str(CENSUS), 2019)
    with pytest.raises(ConfigError, match="no column STNAME"):
        population.parse_census("SUMLEV,NAME,POPESTIMATE2024\n162,X city,5\n", "x.csv")


def test_tier_and_date_follow_from_the_portfolio() -> None:
    large = deadline({"population": "50000"})
    assert (large.tier, large.dates) == ("large", (date(2027, 4, 26),))
    small = deadline({"population": "49999"})
    assert (small.tier, small.dates) == ("small", (date(2028, 4, 26),))
    special = deadline({"domain_type": "special-district", "population": "900000"})
    assert (special.tier, special.dates) == ("special-district", (date(2028, 4, 26),))
    by_hand = deadline({"population_tier": "large", "population": "1200"})
    assert by_hand.tier == "large" and "disagrees" in by_hand.note
    unknown = deadline({"domain_type": "school-district"})
    assert unknown.tier is None and unknown.dates == (date(2027, 4, 26), date(2028, 4, 26))
    assert "tier unknown" in unknown.note
    assert unknown.days_left(date(2027, 4, 1)) == 25  # planned by the earlier date


def test_inventory_joins_the_census_and_keeps_a_figure_set_by_hand(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ga.yaml"
    args = ["inventory", "dotgov", str(SNAPSHOT), "--state", "GA", "--out", str(out)]
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 0
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    for agency in doc["agencies"]:
        if agency["name"] == "Henry County Government":
            agency["tags"]["population"] = 260000  # a person's own figure
    out.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["inventory", "population", str(out), "--census", str(CENSUS)])
    assert done.value.code == 0
    stdout = capsys.readouterr().out
    assert "kept the figure set by hand for 1 agencies" in stdout
    assert "City of Augusta: no Census entity in Georgia named place 'augusta'" in stdout
    assert "Fulton County Board of Education: a school-district is not in Census" in stdout
    agencies = {a["name"]: a["tags"] for a in yaml.safe_load(out.read_text(encoding="utf-8"))["agencies"]}
    assert agencies["Henry County Government"]["population"] == 260000
    assert agencies["Gwinnett County Board of Commissioners"]["population"] == 990000
    assert agencies["Gwinnett County Board of Commissioners"]["population_source"].startswith(
        "census sub-est-synthetic.csv POPESTIMATE2024: Gwinnett County"
    )
    assert agencies["Georgia Technology Authority"]["population"] == 11150000
    assert "population" not in agencies["City of Augusta"]
    assert "population" not in agencies["Cherokee County Water and Sewerage Authority"]  # needs none
    assert deadline({k: str(v) for k, v in agencies["City of Augusta"].items()}).tier is None


def test_dotgov_with_census_joins_in_one_step(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ga.yaml"
    args = ["inventory", "dotgov", str(SNAPSHOT), "--state", "GA", "--out", str(out), "--census", str(CENSUS)]
    with pytest.raises(SystemExit) as done:
        main([*args, "--year", "2022"])
    assert done.value.code == 0
    stdout = capsys.readouterr().out
    assert "population from census sub-est-synthetic.csv POPESTIMATE2022:" in stdout
    agencies = {a["name"]: a["tags"] for a in yaml.safe_load(out.read_text(encoding="utf-8"))["agencies"]}
    assert agencies["CIty of Powder Springs"]["population"] == 17300
    assert deadline({k: str(v) for k, v in agencies["City of Marietta"].items()}).tier == "large"
    assert deadline({k: str(v) for k, v in agencies["CIty of Powder Springs"].items()}).tier == "small"
