"""Bureaus run on a private network: no page or static file may reference an outside URL."""

import re
from pathlib import Path

import jixiao

ROOT = Path(jixiao.__file__).resolve().parent
# A reference that a browser would fetch: src/href/url()/@import pointing off the machine.
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I
)


def _files(*patterns: str) -> list[Path]:
    return [p for pattern in patterns for p in ROOT.rglob(pattern)]


def test_no_template_or_static_file_references_an_external_url() -> None:
    offenders = []
    for path in _files("*.html", "*.css", "*.js", "*.svg"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in EXTERNAL.finditer(text):
            offenders.append(f"{path.relative_to(ROOT)}: {text[match.start() : match.end() + 40]!r}")
    assert offenders == []


def test_the_detector_catches_what_it_should() -> None:
    for bad in (
        '<script src="https://cdn.example/x.js">',
        "<link href='//fonts.example/css'>",
        "url(https://x/y.woff2)",
        '@import "http://x/y.css"',
    ):
        assert EXTERNAL.search(bad), bad
    assert not EXTERNAL.search('<a href="/org/units/">') and not EXTERNAL.search('xmlns="http://www.w3.org/2000/svg"')


def test_every_vendored_file_is_listed_with_its_version_and_licence() -> None:
    vendor = ROOT / "static" / "vendor"
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    for package in sorted(p.name for p in vendor.iterdir() if p.is_dir()):
        assert package in readme, package
        assert any((vendor / package).glob("LICENSE*")), f"{package} has no licence file"


def test_exports_keep_formula_like_text_as_text_and_round_trip() -> None:
    from jixiao.core.tabular import read_tables
    from jixiao.web.excel import csv_bytes, xlsx_bytes

    data = xlsx_bytes("单位", ["单位名称"], [['=HYPERLINK("http://x")'], ["-临时机构"], ["普通"]])
    (table,) = read_tables("u.xlsx", data)
    assert [r.get("单位名称") for r in table.rows] == ['=HYPERLINK("http://x")', "-临时机构", "普通"]
    import io

    from openpyxl import load_workbook

    cells = [row[0] for row in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert csv_bytes(["名称"], [["=1+1"]]).decode("utf-8-sig").splitlines()[1] == "'=1+1"
