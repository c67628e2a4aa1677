"""Network failures reach the reader in plain words (issue 14: "errors in plain words, not [Errno 111]")."""

from __future__ import annotations

import socket
import subprocess
import sys

import httpx
import pytest

from crawlers.plainwords import plain_error
from maturity.kernel.plainwords import plain_reason


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "the server refused the connection"),
        (httpx.ConnectError("[Errno -2] Name or service not known"), "the host name does not resolve"),
        ("net::ERR_NAME_NOT_RESOLVED at https://gone.example/", "the host name does not resolve"),
        ("net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/", "the server refused the connection"),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "not trusted"),
        ("net::ERR_CERT_DATE_INVALID", "has expired"),
        (httpx.ReadTimeout(""), "did not answer in time"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), "closed the connection"),
    ],
)
def test_known_failures_are_said_plainly_and_keep_their_term(error, words):
    said = plain_error(error)
    assert said.startswith(words.split(" (")[0]) or words in said
    assert "Errno" not in said


def test_an_unknown_failure_is_passed_on_without_its_errno():
    assert plain_error(OSError("[Errno 5] Something odd")) == "Something odd"


def test_an_unreachable_site_is_reported_in_plain_words(tmp_path):
    with socket.socket() as s:  # a loopback port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "maturity",
            "audit",
            f"http://127.0.0.1:{port}/",
            "--db",
            str(tmp_path / "m.db"),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "the server refused the connection" in done.stderr and "Errno" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            "cannot connect to http://127.0.0.1:9/: [Errno 111] Connection refused",
            "cannot connect to http://127.0.0.1:9/: the server refused the connection (nothing answers on that port)"
            " [Connection refused]",
        ),
        ("net::ERR_NAME_NOT_RESOLVED at https://gone.example/", "the host name does not resolve"),
        ("page.goto: Timeout 30000ms exceeded.", "page.goto: it did not answer in time"),
        ("stopped: robots.txt forbids the start page", "stopped: robots.txt forbids the start page"),
    ],
)
def test_a_stored_reason_is_shown_in_plain_words_and_kept_when_already_plain(stored, shown):
    said = plain_reason(stored)
    assert said.startswith(shown) and "Errno" not in said
    assert plain_reason(said) == said  # worded once, never twice
