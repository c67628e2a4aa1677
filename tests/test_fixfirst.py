"""Fix once: a defect of the shared template is one issue that clears every page, and the fix-first
list ranks issues by the score their fix gains, checked against rescoring with the fix applied."""

from __future__ import annotations

from factories import ORIGIN, axe, document, page, site

from maturity.core.rubric import builtin_rubric, parse_rubric
from maturity.core.scoring import score


def uncapped():
    """The default rubric without its caps: fix-first's grouping and gains, free of the caps' floor."""
    import yaml

    data = yaml.safe_load(builtin_rubric().text)
    for dim in data["dimensions"]:
        dim.pop("caps", None)
    return parse_rubric(yaml.safe_dump(data).encode(), "uncapped.yaml")


URLS = [f"{ORIGIN}/", *(f"{ORIGIN}/p{i}" for i in range(1, 6))]
IMAGE_ALT = ("image-alt", "violation", "critical", ["wcag2a"])


def pages(*, skip_link: bool, header_img_alt: bool, lone_title: bool = False):
    out = []
    for i, url in enumerate(URLS):
        doc = document(url=url, title=f"Page {i} | Agency")
        if not skip_link:  # the shared header has no skip link: every page fails skip-link
            doc.update(skip_link=None, skip_link_target_exists=False)
        if lone_title and i == 3:
            doc.update(title="")
        arts = {"document": doc}
        # The header's logo without alt is the same element on every page; fixed, the rule passes (with
        # the impact axe gives it when it fails, so the rubric weighs the rule the same either way).
        arts["axe"] = axe(IMAGE_ALT if not header_img_alt else ("image-alt", "pass", "critical", ["wcag2a"]))
        out.append(page(url, **arts))
    return out


def test_a_shared_header_defect_is_one_template_issue_that_clears_every_page() -> None:
    rubric = uncapped()
    card = score(rubric, pages(skip_link=False, header_img_alt=False, lone_title=True), site())
    by_check = {item.check_id: item for item in card.fix_first}
    skip = by_check["skip-link"]
    assert (skip.effort, skip.pages, skip.instances) == ("template", 6, 6)
    logo = by_check["axe/image-alt"]
    assert (logo.effort, logo.pages, logo.selector) == ("template", 6, "img")
    title = by_check["document-title"]
    assert (title.effort, title.pages, title.example_url) == ("page", 1, f"{ORIGIN}/p3")
    # Findings elsewhere stay honest: still one finding per page for the shared defect.
    assert sum(1 for f in card.findings if f.check_id == "skip-link") == 6
    assert [i.gain for i in card.fix_first] == sorted((i.gain for i in card.fix_first), reverse=True)


def test_each_gain_is_what_rescoring_with_the_fix_applied_gives() -> None:
    rubric = uncapped()
    before = score(rubric, pages(skip_link=False, header_img_alt=False), site())
    gains = {item.check_id: item.gain for item in before.fix_first}
    fixed_skip = score(rubric, pages(skip_link=True, header_img_alt=False), site())
    fixed_logo = score(rubric, pages(skip_link=False, header_img_alt=True), site())
    assert before.overall is not None and fixed_skip.overall is not None and fixed_logo.overall is not None
    assert gains["skip-link"] == round(fixed_skip.overall - before.overall, 1) > 0
    assert gains["axe/image-alt"] == round(fixed_logo.overall - before.overall, 1) > 0


def test_a_clean_site_has_nothing_to_fix_first() -> None:
    card = score(builtin_rubric(), pages(skip_link=True, header_img_alt=True), site())
    assert card.fix_first == [] or all(i.gain > 0 for i in card.fix_first)
    assert not any(i.check_id in {"skip-link", "axe/image-alt"} for i in card.fix_first)


def test_under_a_cap_the_critical_barrier_comes_first_and_lesser_fixes_wait_for_it() -> None:
    rubric = builtin_rubric()  # accessibility is capped at 69 while a critical failure remains
    before = score(rubric, pages(skip_link=False, header_img_alt=False), site())
    gains = {item.check_id: item.gain for item in before.fix_first}
    assert before.fix_first[0].check_id == "axe/image-alt"
    assert "skip-link" not in gains  # fixing it alone gains nothing while the cap holds
    fixed = score(rubric, pages(skip_link=False, header_img_alt=True), site())
    assert fixed.overall is not None and before.overall is not None
    assert gains["axe/image-alt"] == round(fixed.overall - before.overall, 1)


def test_the_scorecard_opens_with_the_fix_first_list() -> None:
    from maturity.core.model import RunInfo
    from reports.html import render_html

    card = score(uncapped(), pages(skip_link=False, header_img_alt=False), site())
    html = render_html(RunInfo(crawl_id=1, target_url=card.target), card)
    assert html.index('id="fix-first"') < html.index('id="scores"')
    assert "Fix once in the shared template: clears 6 pages" in html
    skip = next(i for i in card.fix_first if i.check_id == "skip-link")
    assert f"+{skip.gain:g}" in html


def test_the_terminal_summary_says_where_each_fix_is(capsys) -> None:
    """Two single-page fixes of one check are told apart by their page; a template fix names its
    element and a page it is on."""
    from maturity.cli.output import run_summary
    from maturity.core.model import RunInfo

    card = score(uncapped(), pages(skip_link=False, header_img_alt=False, lone_title=True), site())
    run_summary(RunInfo(crawl_id=1, target_url=card.target), card, {})
    said = " ".join(capsys.readouterr().out.split()).replace("( ", "(")  # as wrapped to any width
    assert f"document-title (one page: {ORIGIN}/p3)" in said
    assert f"axe/image-alt (template, clears 6 pages, e.g. {ORIGIN}/ img)" in said
