"""``maturity inventory dotgov``: a state's portfolio from the .gov registry, kept across snapshots.

The fixture ``dotgov-2026-08-22.csv`` is rows copied unchanged from the registry's current-full.csv
(CISA, CC0; ../shared/data). The "newer snapshot" in these tests is made from it: one domain
dropped, one real row added, and one domain's " - Election" suffix removed, as happens between
real snapshots.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from maturity.cli import main
from maturity.core import inventory
from maturity.core.portfolio import load_portfolio
from maturity.kernel.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures" / "title2"
SNAPSHOT = FIXTURES / "dotgov-2026-08-22.csv"
GEORGIAACCESS = (  # a real registry row, absent from the fixture: "added" in the newer snapshot
    "georgiaaccess.gov,State or territory,Office of Commissioner of Insurance and Fire Safety,,Atlanta,GA,"
    "hvenkatachalam@georgiaaccess.ga.gov"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def newer_snapshot(tmp_path: Path) -> Path:
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("gilmersheriffga.gov,")]
    lines = [
        line.replace(",City - Election,", ",City,") if line.startswith("jonesboroga.gov,") else line for line in lines
    ]
    lines.append(GEORGIAACCESS)
    path = tmp_path / "dotgov-newer.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_registry_rows_are_read_as_published() -> None:
    rows = inventory.parse_registry(SNAPSHOT.read_text(encoding="utf-8"), str(SNAPSHOT))
    by_domain = {r.domain: r for r in rows}
    assert by_domain["jonesboroga.gov"].type == "city"  # "City - Election": the suffix is dropped
    assert by_domain["gilmersheriffga.gov"].type == "county"
    assert by_domain["ga.gov"].type == "state"
    assert by_domain["cherokeewaterga.gov"].type == "special-district"
    assert by_domain["cdc.gov"].type == "federal-executive"
    assert by_domain["29palms.gov"].security_contact == ""  # "(blank)"
    assert by_domain["acton-ma.gov"].organization == "Town of Acton, Massachusetts"  # a quoted comma
    assert by_domain["atozarizona.gov"].suborganization == "Department of Administration"


def test_a_state_selection_leaves_out_other_states_and_federal_domains() -> None:
    rows = inventory.parse_registry(SNAPSHOT.read_text(encoding="utf-8"), str(SNAPSHOT))
    chosen = {r.domain for r in inventory.select(rows, "ga", inventory.DEFAULT_TYPES)}
    assert "cdc.gov" not in chosen and "29palms.gov" not in chosen and "atozarizona.gov" not in chosen
    assert {"augustaga.gov", "ga.gov", "fultonschoolsga.gov", "cherokeewaterga.gov"} <= chosen
    counties = {r.domain for r in inventory.select(rows, "GA", inventory.parse_types("County"))}
    assert counties == {"gwinnettcountyga.gov", "gwinnettcounty.gov", "henrycountyga.gov",
                        "henrycountysheriffga.gov", "gilmersheriffga.gov"}  # fmt: skip
    assert inventory.parse_types("state or territory, Special district") == ("state", "special-district")


def test_a_missing_column_is_refused_with_the_line() -> None:
    with pytest.raises(ConfigError, match=r"line 1: not a .gov registry file: missing column 'State'"):
        inventory.parse_registry("Domain name,Domain type,Organization name,Suborganization name,City\n", "x.csv")


def test_dotgov_writes_a_portfolio_one_agency_per_organisation(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ga.yaml"
    code, stdout, _ = run(capsys, "inventory", "dotgov", str(SNAPSHOT), "--state", "GA", "--out", str(out))
    assert code == 0
    assert "wrote" in stdout and "13 agencies, 19 sites" in stdout
    portfolio = load_portfolio(out)
    sites = {s.url: s for s in portfolio.sites}
    gwinnett = [s for s in portfolio.sites if s.agency == "Gwinnett County Board of Commissioners"]
    assert {s.url for s in gwinnett} == {"https://gwinnettcounty.gov/", "https://gwinnettcountyga.gov/"}
    augusta = sites["https://augustaga.gov/"]
    assert augusta.tags == {
        "state": "GA",
        "domain_type": "city",
        "city": "Augusta",
        "dotgov": "augustaga.gov",
        "security_contact": "ITSecurityTeam@augustaga.gov",
    }
    assert "security_contact" not in sites["https://jonesboroga.gov/"].tags  # (blank)
    assert "https://cdc.gov/" not in sites


def test_rerun_reports_changes_and_keeps_what_a_person_added(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ga.yaml"
    assert run(capsys, "inventory", "dotgov", str(SNAPSHOT), "--state", "GA", "--out", str(out))[0] == 0
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    for agency in doc["agencies"]:
        if agency["name"] == "City of Augusta":
            agency["tags"]["owner"] = "web@augustaga.gov"
            agency["tags"]["population"] = 202081
            agency["sites"][0]["url"] = "https://www.augustaga.gov/"  # a person moved it to www
            agency["sites"][0]["tags"]["contact"] = "jane"
        if agency["name"] == "Georgia Technology Authority":
            agency["sites"].append({"url": "https://gta.ga.gov/"})  # a hostname the registry does not list
            agency["settings"] = {"max_pages": 40}
    out.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")

    code, stdout, _ = run(
        capsys, "inventory", "dotgov", str(newer_snapshot(tmp_path)), "--state", "GA", "--out", str(out)
    )
    assert code == 0, stdout
    assert "1 domains added\n  georgiaaccess.gov (Office of Commissioner of Insurance and Fire Safety)" in stdout
    assert "1 domains removed" in stdout and "gilmersheriffga.gov (Gilmer County Sheriff's Office)" in stdout
    assert "1 agencies removed (no site left)\n  Gilmer County Sheriff's Office" in stdout
    assert "jonesboro" not in stdout  # only the Election suffix changed: no change
    assert "kept 1 sites you added by hand" in stdout

    portfolio = load_portfolio(out)
    sites = {s.url: s for s in portfolio.sites}
    assert "https://augustaga.gov/" not in sites  # not added again beside the person's www URL
    www = sites["https://www.augustaga.gov/"]
    assert www.tags["owner"] == "web@augustaga.gov" and www.tags["contact"] == "jane"
    assert www.tags["population"] == "202081" and www.tags["dotgov"] == "augustaga.gov"
    gta = sites["https://gta.ga.gov/"]
    assert gta.agency == "Georgia Technology Authority" and gta.settings == {"max_pages": 40}
    assert "https://gilmersheriffga.gov/" not in sites
    assert sites["https://georgiaaccess.gov/"].tags["domain_type"] == "state"

    # the same snapshot again: nothing changes, byte for byte
    before = out.read_bytes()
    code, stdout, _ = run(
        capsys, "inventory", "dotgov", str(newer_snapshot(tmp_path)), "--state", "GA", "--out", str(out)
    )
    assert code == 0 and "domains added" not in stdout and "removed" not in stdout
    assert out.read_bytes() == before


def test_dry_run_writes_nothing_and_a_bad_state_is_a_usage_error(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ga.yaml"
    code, stdout, _ = run(capsys, "inventory", "dotgov", str(SNAPSHOT), "--state", "GA", "--out", str(out), "--dry-run")
    assert code == 0 and stdout.startswith("would write") and not out.exists()
    code, _, err = run(capsys, "inventory", "dotgov", str(SNAPSHOT), "--state", "Georgia", "--out", str(out))
    assert code == 2 and "two-letter state code" in err and not out.exists()


def test_population_tags_are_checked_when_a_portfolio_is_loaded(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text(
        "agencies:\n  - name: City of Augusta\n    tags: {population_tier: medium}\n    sites: [https://augustaga.gov/]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"agencies\[0\]\.tags: population_tier must be one of large, small"):
        load_portfolio(bad)
    csv_file = tmp_path / "p.csv"
    csv_file.write_text("agency,url,population\nCity of Augusta,https://augustaga.gov/,about 200k\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 2, column population: population must be a whole number"):
        load_portfolio(csv_file)
    good = tmp_path / "ok.csv"
    good.write_text(
        "agency,url,population,population_tier\nA,https://a.example/,202081,\nB,https://b.example/,,small\n"
    )
    assert [s.tags for s in load_portfolio(good).sites] == [{"population": "202081"}, {"population_tier": "small"}]


def test_candidates_are_registry_hostnames_the_crawls_link_to(tmp_path: Path, capsys) -> None:
    from factories import document, page
    from test_history import store_run

    from maturity.core.model import Link
    from maturity.store import Store

    out = tmp_path / "ga.yaml"
    assert run(capsys, "inventory", "dotgov", str(SNAPSHOT), "--state", "GA", "--out", str(out))[0] == 0
    db = f"sqlite:///{tmp_path / 'maturity.db'}"
    store = Store(db)

    def linking(url: str, *hrefs: str):
        links = [Link(href=h, text="x").model_dump() for h in hrefs]
        return page(url, document=document(url=url, links=links))

    pages = [
        linking("https://augustaga.gov/", "https://dnr.ga.gov/parks", "https://www.augustaga.gov/news",
                "https://cdc.gov/flu", "https://example.com/", "https://gta.georgia.gov/"),
        linking("https://augustaga.gov/b", "https://dnr.ga.gov/fishing", "https://WWW.DNR.GA.GOV/hunting",
                "https://29palms.gov/", "mailto:web@ga.gov"),
    ]  # fmt: skip
    store_run(store, pages, origin="https://augustaga.gov", agency="City of Augusta", portfolio="dotgov-ga")
    store_run(store, [linking("https://other.gov/", "https://teamga.gov/")], origin="https://other.gov",
              agency="Elsewhere", portfolio="other")  # fmt: skip

    code, stdout, _ = run(capsys, "inventory", "candidates", str(out), "--registry", str(SNAPSHOT), "--db", db)
    assert code == 0
    assert stdout.splitlines() == [
        f"2 hostnames not in {out}, from the newest run of 1 sites",
        "  dnr.ga.gov (under ga.gov, Georgia Technology Authority): 3 links, seen on https://augustaga.gov/, "
        "https://augustaga.gov/b",
        "  gta.georgia.gov (under georgia.gov, Georgia Technology Authority): 1 links, seen on https://augustaga.gov/",
    ]  # augustaga.gov is listed (www ignored); cdc.gov is federal; 29palms.gov is in CA; teamga.gov: another portfolio

    code, stdout, _ = run(capsys, "inventory", "candidates", str(out), "--registry", str(SNAPSHOT), "--db", db, "--add")
    assert code == 0 and stdout.startswith("added 2 sites")
    sites = {s.url: s for s in load_portfolio(out).sites}
    assert sites["https://dnr.ga.gov/"].agency == "Georgia Technology Authority"
    assert sites["https://dnr.ga.gov/"].tags["seen_on"] == "https://augustaga.gov/"
    # they are now the person's sites: a later registry run keeps them, and they are no longer candidates
    assert run(capsys, "inventory", "dotgov", str(SNAPSHOT), "--state", "GA", "--out", str(out))[0] == 0
    assert "https://dnr.ga.gov/" in {s.url for s in load_portfolio(out).sites}
    code, stdout, _ = run(capsys, "inventory", "candidates", str(out), "--registry", str(SNAPSHOT), "--db", db)
    assert stdout.startswith("0 hostnames")
