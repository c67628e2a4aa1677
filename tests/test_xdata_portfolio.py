"""Services in a portfolio file: what survey results attach to (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity.core.portfolio import load_portfolio
from maturity.kernel.errors import ConfigError

YAML = """\
id: columbia
fiscal_year_start: 7
agencies:
  - name: Department of Motor Vehicles
    sites: [https://dmv.columbia.example/]
    services:
      - id: renew-licence
        name: Renewing a driver's licence
        urls: [https://dmv.columbia.example/renew/, https://Apply.Columbia.example:443/dmv]
        journeys: [renew-online]
        channel: website
      - id: road-test
        name: Booking a road test
        channel: phone
  - name: State Library
    sites: [https://library.columbia.example/]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_services_are_read_with_their_agency(tmp_path):
    p = load_portfolio(_write(tmp_path, YAML))
    assert [(s.agency, s.id, s.channel) for s in p.services] == [
        ("Department of Motor Vehicles", "renew-licence", "website"),
        ("Department of Motor Vehicles", "road-test", "phone"),
    ]
    renew = p.service("Department of Motor Vehicles", "Renewing a driver's licence")
    assert renew is not None and renew.id == "renew-licence"
    assert renew.urls == ("https://dmv.columbia.example/renew/", "https://apply.columbia.example/dmv")
    assert renew.journeys == ("renew-online",)
    assert p.service("State Library", "renew-licence") is None
    assert p.fiscal_year_start == 7
    assert len(p.sites) == 2  # sites unchanged


def test_a_portfolio_without_services_is_unchanged(tmp_path):
    p = load_portfolio(_write(tmp_path, "agencies: [{name: A, sites: [https://a.example/]}]\n"))
    assert p.services == [] and p.fiscal_year_start == 10


@pytest.mark.parametrize(
    ("service", "key", "message"),
    [
        ("{id: Renew, name: x}", "agencies[0].services[0].id", "lower-case"),
        ("{id: r, name: x, channel: carrier-pigeon}", "agencies[0].services[0].channel", "unknown channel"),
        ("{id: r, name: x, urls: [dmv.example]}", "agencies[0].services[0].urls[0]", "not an http(s) URL"),
        ("{id: r, name: x, colour: red}", "agencies[0].services[0].colour", ""),
    ],
)
def test_bad_services_name_the_key(tmp_path, service, key, message):
    text = f"agencies: [{{name: A, sites: [https://a.example/], services: [{service}]}}]\n"
    with pytest.raises(ConfigError) as err:
        load_portfolio(_write(tmp_path, text))
    assert err.value.key == key
    assert message in err.value.message


def test_a_service_id_twice_is_refused(tmp_path):
    text = "agencies: [{name: A, sites: [https://a.example/], services: [{id: r, name: x}, {id: r, name: y}]}]\n"
    with pytest.raises(ConfigError, match=r"services\[1\]\.id: service 'r' is already listed at"):
        load_portfolio(_write(tmp_path, text))


def test_a_distributed_job_carries_its_agencys_services_and_the_fiscal_year(tmp_path):
    """A worker attaches survey figures as a local portfolio run does: by the agency's services and
    the portfolio's fiscal year, which the job carries (and a malformed job is refused, not guessed)."""
    from maturity.core.rubric import builtin_rubric
    from maturity.kernel.errors import UsageError
    from maturity.run.distributed import job_services, portfolio_jobs

    p = load_portfolio(_write(tmp_path, YAML))
    jobs = {j["agency"]: j for j in portfolio_jobs(p, "r1", builtin_rubric())}
    dmv, library = jobs["Department of Motor Vehicles"], jobs["State Library"]
    services, start = job_services(dmv)
    assert services == tuple(p.services) and start == 7  # the agency's own, as the portfolio read them
    assert job_services(library) == ((), 7)  # no services of its own, the same year
    assert job_services({"key": "k"}) == ((), 10)  # an older coordinator's job: the federal year
    with pytest.raises(UsageError, match="fiscal_year_start"):
        job_services({**dmv, "fiscal_year_start": 13})
    with pytest.raises(UsageError, match="services"):
        job_services({**dmv, "services": [{"id": "x"}]})
