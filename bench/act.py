"""Expert-judged examples from outside this project (issue 20): barriers found and false failures,
maturity against axe-core alone.

Not a test, and the corpus is not part of this project. The W3C's ACT Rules (Accessibility
Conformance Testing, https://www.w3.org/WAI/standards-guidelines/act/rules/; repository
w3c/wcag-act-rules, written by the ACT Rules Community Group) each come with examples their authors
judged: **passed** (the rule's requirement is met), **failed** (it is not: a barrier) and
**inapplicable** (the rule does not apply). Each rule names the WCAG success criteria it tests.
Put the rules' Markdown pages in a folder (``content/rules/<id>/proposed.md`` of that repository,
saved as ``<id>.md``; the ACT Rules Community's ``_rules/*.md`` work too), then:

    python bench/act.py --rules FOLDER [--rules ANOTHER]     # a rule in both is read from the first
    python bench/act.py --rules FOLDER --json results.json     # every example's outcome
    python bench/act.py --rules FOLDER --reports REPORTS       # beside other tools' results
    python bench/act.py --rules FOLDER --reports REPORTS --a-aa   # WCAG 2.1 A and AA only

``--reports``: a folder of the tools' implementation reports as the W3C publishes them
(``_data/wcag-act-rules/implementations/<tool>.json`` of the same repository: for each ACT rule a
tool maps, each test case's id, expected outcome and the outcomes the tool's procedures gave). A
tool *finds* a failed example when one of its outcomes there is ``failed``, and *falsely fails* a
passed or inapplicable example the same way; ``cantTell`` counts as neither. Test cases are matched
by their id (the hash in each example's link), so a report of another version of an example is not
compared. These are the tools' own results, as their makers reported them, through the rules they
map to ACT rules only: a barrier a tool finds with a rule it did not map is not counted for it.

Every example written in HTML becomes a page on 127.0.0.1 (an example that is a whole document is
served as written; a fragment is put in the body of an English page titled after the rule and the
example); a baseline page built the same way around a plain paragraph says which failures are the
frame's own (left out). Examples that need files the corpus does not hold (``/test-assets/`` media,
scripts, style sheets; images are served as a 1 x 1 PNG, which no rule here judges by its pixels)
or another site are counted apart. ``maturity audit`` (default rubric, unthrottled) audits them all.

A check **speaks to** an example when it tests one of the success criteria the example's rule
tests: our checks by the criteria their ``source`` cites, axe-core's rules by their ``wcagNNN`` tags
(so axe-core's best-practice rules, tagged with no criterion, never do). Our advisory checks (weight
1 in the default rubric: best practice, as axe-core's are) are counted apart.
On a failed example, a tool **finds** the barrier when a check of it that speaks to the example
fails there. On a passed or inapplicable example (conforming, as far as that rule goes) such a
failure is a **false failure**. Since maturity runs axe-core, its false failures are axe-core's plus
its own checks'; the figures show how many the own checks add, and list each one. A passed example
of one rule can still fail another requirement of the same criterion, so a false failure here is a
candidate, listed to be read.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import add_sitemap, audit, outcomes, serve

BASELINE = "<p>This page has no barrier: it is the frame every example page shares.</p>"
HEADING = re.compile(r"^#{3,4} (Passed|Failed|Inapplicable) Example (\d+)\s*$", re.M)
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.M | re.S)
TESTCASE = re.compile(r"/testcases/[\w-]+/([0-9a-f]{40})\.html")
# Files the corpus does not hold, or another site's: the example's meaning may rest on them.
ELSEWHERE = re.compile(
    r"""(?:src|href|data|poster|srcset)\s*=\s*["']?\s*(?:https?:)?//(?!127\.0\.0\.1)"""
    r"""|/test-assets/[^"'\s)]*\.(?!png|jpe?g|gif|svg|webp)\w+""",
    re.I,
)
# Our checks failing on a conforming example, read one by one (2026-12-07, this corpus): a barrier of
# another requirement than the example's rule judges (the example conforms to that rule, not to WCAG
# as a whole), kept apart from the false failures. Every other failure there counts as false.
OTHER_REQUIREMENT = {
    ("97a4e1", "passed", 4): ("click-focus", '<span role="button"> with no tabindex: Tab never reaches it (2.1.1)'),
    ("d0f69e", "inapplicable", 7): ("layout-table-markup", '<th> in a role="presentation" table: failure F46'),
}
SC = re.compile(r"\bSC ([1-4]\.\d{1,2}\.\d{1,2})\b")
AXE_SC = re.compile(r"^wcag([1-4])(\d)(\d{1,2})$")


def rule_criteria(meta: dict) -> list[str]:
    """The WCAG success criteria a rule tests (both formats of the rule pages)."""
    rule = meta.get("rule_meta") or meta
    found = [str(sc.get("num")) for sc in rule.get("scs_tested") or [] if isinstance(sc, dict)]
    for key, value in (rule.get("accessibility_requirements") or {}).items():
        m = re.match(r"wcag2\d:(\d\.\d{1,2}\.\d{1,2})$", str(key))
        if m and (not isinstance(value, dict) or value.get("forConformance", True)):
            found.append(m.group(1))
    return sorted(set(found))


def examples(folders: list[Path]) -> list[dict]:
    """Every example of every rule page in ``folders``: rule, criteria, kind, number, language, code.
    A rule in two folders is read from the first."""
    out: list[dict] = []
    seen: set[str] = set()
    for path in [p for folder in folders for p in sorted(folder.glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        parts = text.split("---", 2)
        if not text.startswith("---") or len(parts) < 3:
            continue
        meta = yaml.safe_load(parts[1]) or {}
        rule = meta.get("rule_meta") or meta
        rule_id = str(rule.get("id", path.stem))
        if "DEPRECATED" in str(rule.get("name", "")) or rule.get("deprecated") or rule_id in seen:
            continue
        seen.add(rule_id)
        body = parts[2]
        heads = list(HEADING.finditer(body))
        for i, head in enumerate(heads):
            end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
            fence = FENCE.search(body, head.end(), end)
            if not fence:
                continue
            link = TESTCASE.search(body, head.end(), fence.start())
            out.append(
                {
                    "rule": rule_id,
                    "rule_name": str(rule.get("name", "")),
                    "criteria": rule_criteria(meta),
                    "expected": head.group(1).lower(),
                    "number": int(head.group(2)),
                    "language": fence.group(1).lower() or "html",
                    "code": fence.group(2),
                    "testcase": link.group(1) if link else "",
                }
            )
    return out


def page(title: str, code: str) -> str:
    if re.match(r"\s*(<!doctype|<html)", code, re.I):
        return code
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{code}\n</body>\n</html>\n"
    )


def site(cases: list[dict]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for c in cases:
        c["reproduced"] = c["language"] == "html" and not ELSEWHERE.search(c["code"])
        if not c["reproduced"]:
            continue
        c["path"] = f"/{c['rule'].lower()}/{c['expected']}-{c['number']}.html"
        files[c["path"]] = page(f"{c['rule_name']}: {c['expected']} example {c['number']}", c["code"]).encode()
    files["/baseline.html"] = page("Baseline", BASELINE).encode()
    paths = sorted(p for p in files if p.endswith(".html"))
    links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
    files["/"] = page("Examples", f"<h1>Examples</h1><ul>{links}</ul>").encode()
    add_sitemap(files)
    return files


def axe_criteria() -> dict[str, set[str]]:
    """axe-core rule id -> the WCAG success criteria its tags name (from the packaged axe-core)."""
    from playwright.sync_api import sync_playwright

    from crawlers.launch import axe_source, find_browser

    script, _ = axe_source()
    with sync_playwright() as pw:
        args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
        browser = pw.chromium.launch(executable_path=find_browser(None, pw), args=args)
        try:
            tab = browser.new_page()
            tab.set_content("<p>rules</p>")
            tab.add_script_tag(content=script)
            rules = tab.evaluate("axe.getRules().map(r => [r.ruleId, r.tags])")
        finally:
            browser.close()
    out: dict[str, set[str]] = {}
    for rule_id, tags in rules:
        out["axe/" + rule_id] = {".".join(m.groups()) for t in tags if (m := AXE_SC.match(t))}
    return out


def advisory() -> set[str]:
    """The default rubric's advisory accessibility checks (weight 1; axe-core's rules are weighted by impact)."""
    from maturity.core.rubric import builtin_rubric

    data = yaml.safe_load(builtin_rubric().text)
    return {
        str(p["check"])
        for d in data["dimensions"]
        if d["id"] == "accessibility"
        for p in d.get("parameters", [])
        if "check" in p and float(p.get("weight", 1)) <= 1
    }


def own_criteria(check_ids: set[str]) -> dict[str, set[str]]:
    from maturity.core.checks import get

    return {c: set(SC.findall(get(c).meta.source)) for c in check_ids if not c.startswith("axe/")}


def maturity_found(r: dict) -> bool:
    """Whether maturity fails an example: by an axe-core rule or by a check of its own (advisory ones aside)."""
    return bool(r["axe"] or r["ours"])


def reports(folder: Path) -> dict[str, dict[str, set[str]]]:
    """Tool name (and version) -> "rule/test case id" -> the outcomes the tool gave, from the W3C's
    implementation reports in ``folder`` (one test case can serve two rules, expected otherwise in each)."""
    out: dict[str, dict[str, set[str]]] = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = f"{data.get('name', path.stem)} {data.get('version', '')}".strip()
        cases = out.setdefault(name, {})
        for rule in data.get("actRuleMapping") or []:
            for case in rule.get("testCaseResults") or []:
                said = {o for proc in case.get("procedureResults") or [] for o in proc.get("outcomes") or []}
                key = f"{rule.get('ruleId', '')}/{case.get('testcaseId', '')}"
                cases.setdefault(key, set()).update(said)
    return out


def beside_tools(counted: list[dict], tools: dict[str, dict[str, set[str]]]) -> None:
    """maturity beside each tool's own report: on the examples the tool reported, and on all."""
    barriers = [r for r in counted if r["expected"] == "failed"]
    ours = sum(map(maturity_found, barriers))
    for r in counted:
        r["case_key"] = f"{r['rule']}/{r.get('testcase', '')}"
    print("\nbeside the tools' own reports to the W3C (test cases matched by id):")
    print(
        f"{'tool':<28} {'reported':>8} {'failed':>6} {'found':>5} {'ours':>5}"
        f"   {'conforming':>10} {'false':>5} {'ours':>5}   {'found of all':>12}"
    )
    for name, cases in tools.items():
        both = [r for r in counted if r["case_key"] in cases]
        bad = [r for r in both if r["expected"] == "failed"]
        good = [r for r in both if r["expected"] != "failed"]

        def failed(r: dict, cases: dict[str, set[str]] = cases) -> bool:
            return "failed" in cases.get(r["case_key"], set())

        print(
            f"{name[:28]:<28} {len(both):>8} {len(bad):>6} {sum(map(failed, bad)):>5}"
            f" {sum(map(maturity_found, bad)):>5}   {len(good):>10} {sum(map(failed, good)):>5}"
            f" {sum(map(maturity_found, good)):>5}"
            f"   {sum(map(failed, barriers)):>5} / {ours:<5}"
        )
    print(
        "(reported: counted examples the tool's report holds; failed/conforming: of those; found/false: the\n"
        " tool's failed outcomes there; ours: maturity's on the same examples; found of all: the tool's\n"
        f" barriers found among all {len(barriers)} counted failed examples / maturity's)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--rules", type=Path, action="append", required=True, help="a folder of ACT rule pages (*.md); repeatable"
    )
    parser.add_argument("--only", help="only rules whose id matches this regular expression")
    parser.add_argument("--json", type=Path, help="write every example's outcome here")
    parser.add_argument("--reports", type=Path, help="a folder of the W3C's implementation reports (*.json)")
    parser.add_argument(
        "--a-aa",
        action="store_true",
        help="count only examples of rules testing a WCAG 2.1 A or AA criterion (4.1.1, obsolete in 2.2, aside)",
    )
    args = parser.parse_args()
    cases = [c for c in examples(args.rules) if not args.only or re.search(args.only, c["rule"])]
    files = site(cases)
    shown = [c for c in cases if c["reproduced"]]
    with tempfile.TemporaryDirectory(prefix="maturity-act-") as tmp, serve(files) as origin:
        db = audit(origin, len(shown) + 2, Path(tmp))
        failing, audited, accessibility = outcomes(db, origin)
    criteria = {**axe_criteria(), **own_criteria(accessibility)}
    soft = advisory()
    frame = failing.get("/baseline.html", set())
    rows = []
    for c in cases:
        row = {k: v for k, v in c.items() if k != "code"}
        row["audited"] = c.get("path") in audited
        found = failing.get(c.get("path", ""), set()) - frame
        speaks = sorted(x for x in found if criteria.get(x, set()) & set(c["criteria"]))
        other = OTHER_REQUIREMENT.get((c["rule"], c["expected"], c["number"]))
        row["axe"] = [x for x in speaks if x.startswith("axe/")]
        row["ours"] = [x for x in speaks if not x.startswith("axe/") and x not in soft and (not other or x != other[0])]
        row["advisory"] = [x for x in speaks if x in soft]
        row["other_requirement"] = [f"{other[0]}: {other[1]}"] if other and other[0] in speaks else []
        row["elsewhere"] = sorted(found - set(speaks))
        rows.append(row)
    rules = {c["rule"] for c in cases}
    print(f"{len(rules)} rules, {len(cases)} examples; baseline page fails {len(frame)} checks (left out):")
    print("  " + (", ".join(sorted(frame)) or "none"))
    counted = [r for r in rows if r["audited"] and r["criteria"]]
    apart = len(rows) - len(counted)
    print(f"{len(counted)} examples counted; {apart} apart (needs a file the corpus lacks or another site,")
    print("not written in HTML, its rule tests no WCAG criterion, or not audited)\n")
    if args.a_aa:
        from maturity.core.title2 import WCAG21_A_AA

        wanted = set(WCAG21_A_AA) - {"4.1.1"}
        counted = [r for r in counted if wanted & set(r["criteria"])]
        print(f"--a-aa: of those, {len(counted)} test a WCAG 2.1 A or AA criterion (4.1.1 aside); only they count\n")
    print(f"{'':<34} {'examples':>8} {'axe-core':>9} {'maturity':>9}")
    barriers = [r for r in counted if r["expected"] == "failed"]
    conforming = [r for r in counted if r["expected"] != "failed"]
    print(
        f"{'barriers found (failed examples)':<34} {len(barriers):>8}"
        f" {sum(1 for r in barriers if r['axe']):>9} {sum(map(maturity_found, barriers)):>9}"
    )
    print(
        f"{'false failures (passed/inapplic.)':<34} {len(conforming):>8}"
        f" {sum(1 for r in conforming if r['axe']):>9} {sum(map(maturity_found, conforming)):>9}"
    )
    print(
        f"{'  with advisory checks too':<34} {len(conforming):>8} {'':>9}"
        f" {sum(1 for r in conforming if maturity_found(r) or r['advisory']):>9}"
    )
    print(
        f"{'barriers of another requirement':<34} {'':>8} {'':>9}"
        f" {sum(1 for r in conforming if r['other_requirement']):>9}  (judged, see OTHER_REQUIREMENT)"
    )
    print("\nby criterion (failed examples found / conforming examples falsely failed):")
    print(f"{'SC':<8} {'failed':>6} {'axe':>4} {'ours':>4}   {'conforming':>10} {'axe':>4} {'ours':>4}")
    by_sc: dict[str, list[dict]] = {}
    for r in counted:
        for sc in r["criteria"]:
            by_sc.setdefault(sc, []).append(r)
    for sc in sorted(by_sc, key=lambda s: [int(x) for x in s.split(".")]):
        group = by_sc[sc]
        bad = [r for r in group if r["expected"] == "failed"]
        good = [r for r in group if r["expected"] != "failed"]
        print(
            f"{sc:<8} {len(bad):>6} {sum(1 for r in bad if r['axe']):>4}"
            f" {sum(map(maturity_found, bad)):>4}   {len(good):>10}"
            f" {sum(1 for r in good if r['axe']):>4} {sum(map(maturity_found, good)):>4}"
        )
    added = [r for r in conforming if r["ours"] and not r["axe"]]
    print(f"\nfalse failures maturity's own checks add ({len(added)}):")
    for r in added:
        print(f"  {r['rule']} {r['expected']} {r['number']} ({r['rule_name']}): {', '.join(r['ours'])}")
    soft_added = [r for r in conforming if r["advisory"] and not maturity_found(r)]
    print(f"\n... and its advisory checks ({len(soft_added)}):")
    for r in soft_added:
        print(f"  {r['rule']} {r['expected']} {r['number']} ({r['rule_name']}): {', '.join(r['advisory'])}")
    only_ours = [r for r in barriers if r["ours"] and not r["axe"]]
    print(f"\nbarriers found by maturity's own checks and not by axe-core ({len(only_ours)}):")
    for r in only_ours:
        print(f"  {r['rule']} failed {r['number']} ({r['rule_name']}): {', '.join(r['ours'])}")
    if args.reports:
        beside_tools(counted, reports(args.reports))
    if args.json:
        args.json.write_text(json.dumps({"baseline": sorted(frame), "examples": rows}, indent=1))


if __name__ == "__main__":
    main()
