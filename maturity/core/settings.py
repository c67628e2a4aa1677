"""One settings model for an audit: its fields, their defaults and their limits, declared once.

**What describes an audit** (:class:`AuditSettings`) is stored with every run, travels in a
distributed job and is reloaded through the same validation by ``maturity resume``. **What
describes this machine** (:class:`MachineSettings`: which browser, which axe-core script, the
sandbox, loopback-only mode) is never stored and never shipped: a worker uses its own.

Settings are composed once, in layers, later layers winning (:func:`compose`)::

    built-in defaults  <  mode defaults (``maturity check``)  <  maturity.yml or a portfolio's
    settings (portfolio < agency < site)  <  the command line

Every layer is a mapping of the keys it sets (``None`` means "not set here", so an option left
off the command line lets the file's value through). A bad value in any layer is one
:class:`~maturity.kernel.errors.ConfigError` naming where it came from and the key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from maturity import __version__
from maturity.core.configfile import error_message, key_path
from maturity.kernel.errors import ConfigError
from maturity.kernel.urls import strip_credentials

PROJECT_URL = "https://github.com/maturity-audit/maturity"

Throttle = Literal["mobile", "desktop", "none"]


def default_user_agent(contact: str | None = None) -> str:
    """Honest and identifiable: a "HeadlessChrome" agent drew 1,533 HTTP 403s in one federal scan (DOMAIN.md)."""
    return f"Mozilla/5.0 (compatible; maturity/{__version__}; +{contact or PROJECT_URL})"


def default_concurrency() -> int:
    """Browser workers by default: one per core this process may use, at most 4. On 2 busy cores, 4
    workers made axe-core time out on 3 of 16 pages and were no faster than 2 (measured here)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


class AuditSettings(BaseModel):
    """What one audit of one site does. Field names are the keys of maturity.yml, portfolio
    ``settings:`` and (with ``-`` for ``_``) the command line's options."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    url: str
    max_pages: int = Field(default=50, ge=1, description="Pages to audit (the start page counts).")
    max_depth: int = Field(default=3, ge=0, description="Link depth from the start page.")
    include: tuple[str, ...] = Field(default=(), description="Only URLs matching these regular expressions.")
    exclude: tuple[str, ...] = Field(default=(), description="Never URLs matching these regular expressions.")
    concurrency: int = Field(
        default_factory=default_concurrency, ge=1, le=32, description="Browser workers in the concurrent phase."
    )
    page_timeout: float = Field(default=30.0, ge=1, le=600, description="Seconds for one page load.")
    user_agent: str = Field(default_factory=default_user_agent, min_length=1)
    throttle: Throttle = Field(default="mobile", description="The performance profile.")
    perf_runs: int = Field(default=1, ge=1, le=9, description="Loads per page in the performance phase.")
    perf_pages: int = Field(default=10, ge=0, description="Pages measured for performance (0: all).")
    block_third_party: bool = False
    ignore_robots: bool = False
    allow_private: bool = False
    max_page_bytes: int = Field(default=10_000_000, ge=1_000)
    max_retry_after: float = Field(default=30.0, ge=0, le=3600)
    max_page_memory_mb: int = Field(
        default=2048, ge=256, le=65536, description="A page whose renderer passes this many MiB is not assessable."
    )
    sample: Literal["crawl", "stratified", "random", "traffic"] = Field(
        default="crawl",
        description="How the audited pages are chosen from those found (see maturity.core.sampling).",
    )
    sample_seed: int = Field(default=1, ge=0, description="Seed of a stratified or random sample.")
    target_margin: float | None = Field(
        default=None,
        gt=0,
        le=50,
        description="Keep sampling until the overall score's 95 % interval is at most +/- this many points.",
    )
    population: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="Pages discovery may find for a sample to be drawn from (default 10 x max_pages).",
    )
    delay: float | None = Field(
        default=None,
        ge=0,
        le=60,
        description="Seconds between page loads to a host (default: robots.txt Crawl-delay, else 0.2 s).",
    )
    max_requests: int | None = Field(
        default=None, ge=10, description="Discovery's requests in all (None: 4 x max_pages + 230)."
    )
    max_documents: int = Field(
        default=25,
        ge=0,
        le=1000,
        description="Documents linked or listed in sitemaps to fetch and check, the most linked first (0: none).",
    )
    max_document_bytes: int = Field(default=20_000_000, ge=1_000, description="Larger documents are too large.")

    @field_validator("url")
    @classmethod
    def _no_credentials(cls, value: str) -> str:
        return strip_credentials(value)

    @model_validator(mode="after")
    def _margin_needs_a_sample(self) -> AuditSettings:
        if self.target_margin is not None and self.sample in ("crawl", "traffic"):
            raise ValueError(
                f"target_margin needs sample: stratified or random (a {self.sample} sample has no interval)"
            )
        return self

    @field_validator("include", "exclude")
    @classmethod
    def _regexes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {pattern!r} ({exc})") from None
        return value

    def recorded(self) -> dict[str, Any]:
        """The settings as stored with the run and carried by a job (plain JSON)."""
        return self.model_dump(mode="json")

    @property
    def population_size(self) -> int:
        """Pages discovery looks for: all of them under ``sample: crawl``, else the population."""
        if self.sample == "crawl":
            return self.max_pages
        return max(self.max_pages, self.population or 10 * self.max_pages)

    @property
    def first_sample_size(self) -> int:
        """Pages audited first: all ``max_pages``, or with ``target_margin`` a quarter of them (at
        least 10), doubled while the interval is too wide (see maturity.run.audit)."""
        if self.target_margin is None:
            return self.max_pages
        return min(self.max_pages, max(10, self.max_pages // 4))

    @property
    def perf_sample(self) -> int | None:
        """Pages measured for performance; None: every page."""
        return self.perf_pages or None

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> AuditSettings:
        """Settings read back from a stored run or a job, through the same validation.

        Runs stored before the settings model was one carried machine keys (browser, axe script,
        sandbox, loopback mode, artifact folder, attestation file) and spelt two keys otherwise;
        those are dropped or translated here, and anything else unknown is an error.
        """
        data = {k: v for k, v in stored.items() if k not in _LEGACY_MACHINE_KEYS}
        if "respect_robots" in data:
            data.setdefault("ignore_robots", not data.pop("respect_robots"))
        if data.get("perf_pages", 0) is None:
            data["perf_pages"] = 0
        return compose(data, sources=["the stored run"])


_LEGACY_MACHINE_KEYS = frozenset(
    {"browser_path", "axe_path", "no_sandbox", "loopback_only", "save_artifacts", "attestations"}
)


class MachineSettings(BaseModel):
    """This machine's side of an audit: never stored with a run, never carried by a job."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    browser_path: str | None = None  # --browser / MATURITY_BROWSER; None: found automatically
    axe_path: str | None = None  # --axe-script: a newer axe.min.js
    no_sandbox: bool | None = None  # None: only when running as root
    loopback_only: bool = False  # abort everything not addressed to 127.0.0.0/8 (tests, the demo)
    # A site this machine serves itself over HTTPS with a certificate made for the run (the demo):
    # the CA discovery trusts, the certificate keys the browser trusts (base64 SHA-256 of each
    # SubjectPublicKeyInfo), and the port of its plain-HTTP listener (for the https-redirect probe).
    trust_ca_pem: str | None = None
    trust_spki: tuple[str, ...] = ()
    http_port: int | None = None


SETTING_KEYS: tuple[str, ...] = tuple(k for k in AuditSettings.model_fields if k != "url")
"""The keys a settings layer may set."""

CHECK_DEFAULTS: dict[str, Any] = {"max_pages": 20, "perf_runs": 3}
"""``maturity check``'s own defaults: a pull request wants a quick audit, and budgets that read the
median of three loads rather than one (lab timings on shared CI runners are noisy)."""


def _optional(name: str) -> tuple[Any, Any]:
    field = AuditSettings.model_fields[name]
    return (field.annotation | None, Field(default=None, **_limits(field)))  # type: ignore[operator]


def _limits(field: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for meta in field.metadata:
        for attr in ("ge", "gt", "le", "lt", "min_length"):
            value = getattr(meta, attr, None)
            if value is not None:
                out[attr] = value
    return out


SettingsLayer: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "SettingsLayer",
    __config__=ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False),
    **{name: _optional(name) for name in SETTING_KEYS},
)
"""Every audit setting, each optional: the shape of maturity.yml's audit keys and of a portfolio's
``settings:``. Values are checked by :func:`compose` against :class:`AuditSettings`."""


def layer(values: Mapping[str, Any]) -> dict[str, Any]:
    """The keys a layer sets: ``None`` values (an option not given) are left out."""
    return {k: v for k, v in values.items() if v is not None}


def compose(*layers: Mapping[str, Any] | None, sources: Iterable[str] = ()) -> AuditSettings:
    """Built-in defaults, then each layer in turn (later wins); ``url`` may come from any layer.

    ``sources`` names each layer for messages ("maturity.yml", "the command line", ...): an
    invalid value is a ConfigError naming the layer that set it and the key.
    """
    names = list(sources)
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for i, values in enumerate(layers):
        for key, value in layer(values or {}).items():
            merged[key] = tuple(value) if isinstance(value, list) else value
            origin[key] = names[i] if i < len(names) else "settings"
    try:
        return AuditSettings.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = key_path(err["loc"])
        top = str(err["loc"][0]) if err["loc"] else ""
        raise ConfigError(origin.get(top, "settings"), error_message(err), key) from None
