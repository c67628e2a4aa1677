"""Documents per second: the document collector on a generated corpus of PDFs served on 127.0.0.1.

Not a test. It builds a corpus (by default 200 PDFs: tagged, untagged, scanned, forms, long ones of
300 pages, and a few bombs: a cyclic structure tree nested 50,000 deep and a page that inflates to
2 GB), serves it with pages linking to every file, runs discovery and the documents step of the
audit workflow exactly as an audit does (the guarded client, one request at a time, parsing in the
bounded child process), and prints documents per second, the outcomes, and peak memory: this
process's and the parser process's (maximum resident set size, from getrusage).

    python bench/documents.py                 # 200 PDFs, three runs, medians
    python bench/documents.py --docs 400 --repeat 1
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the PDF builder and the fixture server of the tests

from pdfs import good_pdf, make_pdf, pdf_bomb, stream_bomb  # noqa: E402
from sites import Resource, SiteServer, html  # noqa: E402

from crawlers.discover import DiscoverySettings, discover  # noqa: E402
from crawlers.netpolicy import AddressPolicy  # noqa: E402
from crawlers.transport import make_client  # noqa: E402
from maturity.core.settings import AuditSettings  # noqa: E402
from maturity.run.documents import collect_site_documents  # noqa: E402

UA = "maturity-bench"


def corpus(n: int, bombs: bool) -> dict[str, bytes]:
    """``n`` different PDFs: a mix that looks like a real site's, two 300-page reports, and two bombs."""
    files: dict[str, bytes] = {
        "/docs/long-1.pdf": make_pdf(pages=300, tagged=True, title="Long report", lang="en"),
        "/docs/long-2.pdf": make_pdf(pages=300, text=False),
    }
    if bombs:
        files["/docs/bomb-nested.pdf"] = pdf_bomb(50_000)
        files["/docs/bomb-stream.pdf"] = stream_bomb(2000)
    kinds = [
        lambda i: good_pdf(title=f"Report {i}"),
        lambda i: make_pdf(pages=4, title=f"Notice {i}"),
        lambda i: make_pdf(pages=2, text=False, producer=f"Scanner {i}"),
        lambda i: good_pdf(fields=[("name", None), ("date", "Date")], title=f"Form {i}"),
        lambda i: make_pdf(pages=12, tagged=True, figures=3, figures_with_alt=1, lang="es", title=f"Informe {i}"),
    ]
    for i in range(n - len(files)):
        files[f"/docs/file-{i:04d}.pdf"] = kinds[i % len(kinds)](i)
    return files


def run_once(server: SiteServer, n: int) -> tuple[float, Counter[str]]:
    settings = AuditSettings(url=server.origin + "/", max_documents=n, user_agent=UA, page_timeout=30)
    client = make_client(user_agent=UA, page_timeout=30, policy=AddressPolicy("127.0.0.1"), loopback_only=True)
    with client:
        found = discover(client, settings.url, DiscoverySettings(user_agent=UA, max_pages=100))
        began = time.perf_counter()
        found, _ = collect_site_documents(client, found, settings)
        elapsed = time.perf_counter() - began
    docs = found.site.documents
    assert docs is not None
    outcomes = Counter((d.reason or "ok").split(":")[0] for d in docs.documents)
    return elapsed, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-bombs", action="store_true", help="leave the two bombs out (memory of real files)")
    args = parser.parse_args()
    t = time.perf_counter()
    files = corpus(args.docs, not args.no_bombs)
    size = sum(len(b) for b in files.values())
    print(f"corpus: {len(files)} PDFs, {size / 1e6:.1f} MB, built in {time.perf_counter() - t:.1f} s")
    names = sorted(files)
    per_page = 10
    routes: dict[str, Resource | str] = {
        path: Resource(body, content_type="application/pdf") for path, body in files.items()
    }
    pages = [names[i : i + per_page] for i in range(0, len(names), per_page)]
    routes["/"] = html("Documents", "".join(f"<p><a href='/p{i}'>Page {i}</a></p>" for i in range(len(pages))))
    for i, chunk in enumerate(pages):
        routes[f"/p{i}"] = html(f"Page {i}", "".join(f"<p><a href='{p}'>{p}</a></p>" for p in chunk))
    times: list[float] = []
    with SiteServer(routes) as server:
        for _ in range(args.repeat):
            elapsed, outcomes = run_once(server, len(files))
            times.append(elapsed)
            rate = len(files) / elapsed
            print(f"  {len(files)} documents in {elapsed:.1f} s: {rate:.1f} per second; {dict(outcomes)}")
    median = statistics.median(times)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    spread = f"{min(times):.1f}-{max(times):.1f} s"
    print(f"median {median:.1f} s, {len(files) / median:.1f} documents per second (min-max {spread})")
    print(f"peak resident memory: this process {own:.0f} MiB (corpus and server included), parser {child:.0f} MiB")


if __name__ == "__main__":
    main()
