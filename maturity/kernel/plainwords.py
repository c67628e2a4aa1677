"""Network failures in the words a site owner uses, not the socket library's.

``[Errno 111] Connection refused`` and ``net::ERR_NAME_NOT_RESOLVED`` mean something to the
engineer who wrote the crawler; the agency reading its scorecard needs "the server refused the
connection". Each phrase keeps the technical term in brackets, so a search still finds it.

It lives in the kernel (standard library only) because both sides use it: the collectors word a
failure as it happens (``crawlers.plainwords`` re-exports it), and the renderers word a reason
stored before that, or by any other path, when they show it (:func:`plain_reason`).
"""

from __future__ import annotations

import re

# (pattern in the error text, lower-cased) -> what it means. First match wins.
_MEANINGS: tuple[tuple[str, str], ...] = (
    (
        r"connection refused|err_connection_refused|errno 111",
        "the server refused the connection (nothing answers on that port)",
    ),
    (
        r"name or service not known|nodename nor servname|err_name_not_resolved|getaddrinfo"
        r"|errno -[23]\b|temporary failure in name resolution",
        "the host name does not resolve (no DNS record)",
    ),
    (
        r"no route to host|errno 113|err_address_unreachable",
        "no route to the server (it is down or a firewall drops the traffic)",
    ),
    (r"network is unreachable|errno 101|err_internet_disconnected", "the network is unreachable from here"),
    (r"connection reset|errno 104|err_connection_reset", "the server reset the connection"),
    (
        r"err_connection_closed|server disconnected|remoteprotocolerror|err_empty_response|empty reply",
        "the server closed the connection without an answer",
    ),
    (r"certificate has expired|err_cert_date_invalid", "its TLS certificate has expired"),
    (r"hostname mismatch|err_cert_common_name_invalid|doesn't match", "its TLS certificate is for another host name"),
    (
        r"certificate verify failed|self[- ]signed|err_cert_authority_invalid|unable to get local issuer",
        "its TLS certificate is not trusted (not issued by a known authority)",
    ),
    (r"wrong version number|err_ssl_protocol_error|sslerror|\[ssl", "the TLS handshake failed"),
    (r"timed out|timeout|err_timed_out|err_connection_timed_out", "it did not answer in time"),
    (r"err_too_many_redirects", "it redirects in a loop"),
)
_ERRNO = re.compile(r"\[errno -?\d+\]\s*", re.IGNORECASE)


def plain_error(exc: BaseException | str) -> str:
    """One line a reader understands, with the original term in brackets when it was translated."""
    raw = str(exc).strip().splitlines()
    text = raw[0] if raw else (type(exc).__name__ if isinstance(exc, BaseException) else "")
    lowered = f"{type(exc).__name__} {text}".lower() if isinstance(exc, BaseException) else text.lower()
    for pattern, meaning in _MEANINGS:
        if re.search(pattern, lowered):
            term = _ERRNO.sub("", text).strip() or (type(exc).__name__ if isinstance(exc, BaseException) else "")
            return f"{meaning} [{term[:120]}]" if term and term.lower() not in meaning else meaning
    return _ERRNO.sub("", text)[:300] or "failed"


# Where the technical part of a stored reason starts: an errno, a Chromium net error, an exception name.
_TECHNICAL = re.compile(
    r"\[errno -?\d+\]|net::err_|(?-i:\b[A-Z][A-Za-z]*(?:Error|Exception)\b)|\[ssl|\btimeout \d+ ?ms exceeded",
    re.IGNORECASE,
)


def plain_reason(text: str | None) -> str | None:
    """A stored failure reason for a reader: its technical part (from the first errno, net::ERR_ or
    exception name on) in plain words, what comes before it kept ("cannot connect to URL: ..."). A
    reason already in plain words, or with no technical part, is returned as it is."""
    if not text:
        return text
    line = text.strip().splitlines()[0] if text.strip() else text
    found = _TECHNICAL.search(line)
    if found is None:
        return line
    head, tail = line[: found.start()], line[found.start() :]
    if any(meaning.split(" (")[0] in head.lower() for _, meaning in _MEANINGS):
        return line  # worded already; the bracketed term is kept for a search
    return head + plain_error(tail)
