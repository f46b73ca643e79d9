"""The docs site: built strictly (a broken link or anchor fails it), its reference pages generated
from the code, its plots drawn from the benchmarks' committed figures, and a short README that
leads into it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

MKDOCS = Path(sys.executable).with_name("mkdocs")
DOCS = REPO / "docs"


def _build(root: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(MKDOCS), "build", "--strict", "--site-dir", str(site)], cwd=root,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def test_reference_pages_are_generated_from_the_code():
    r = subprocess.run([sys.executable, "scripts/docs_reference.py", "--check"], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_the_site_builds_strictly(tmp_path):
    r = _build(REPO, tmp_path / "site")
    assert r.returncode == 0, r.stderr[-3000:]
    own_model = (tmp_path / "site" / "how-to" / "own-model" / "index.html").read_text()
    assert "LINGUAFLOW_ROUTES" in own_model
    settings = (tmp_path / "site" / "reference" / "settings" / "index.html").read_text()
    assert "LINGUAFLOW_MONGO_URI" in settings  # the generated table rendered
    results = (tmp_path / "site" / "benchmarks" / "results" / "index.html").read_text()
    assert "Translation meaning checks" in results  # bench/RESULTS.md included whole


def test_a_broken_link_or_anchor_fails_the_build(tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(DOCS, root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root)
    (root / "bench").mkdir()
    shutil.copy(REPO / "bench" / "RESULTS.md", root / "bench")
    page = root / "docs" / "how-to" / "glossary.md"
    original = page.read_text()
    for broken in ("[gone](no-such-page.md)", "[gone](speakers.md#no-such-section)"):
        page.write_text(original + f"\n{broken}\n")
        r = _build(root, tmp_path / "site")
        assert r.returncode != 0 and "no-such" in r.stderr, (broken, r.stderr[-2000:])


def test_readme_is_short_and_its_links_lead_into_the_site():
    text = (REPO / "README.md").read_text()
    assert len(text.splitlines()) <= 150
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [link for link in links if "://" not in link]
    assert local, "the README links into docs/"
    for link in local:
        assert (REPO / link).exists(), link
    into_site = {link for link in local if link.startswith("docs/") and link.endswith(".md")}
    assert {"docs/get-started.md", "docs/how-to/own-model.md", "docs/reference/settings.md"} <= into_site


def test_every_how_to_page_opens_with_its_command():
    pages = sorted((DOCS / "how-to").glob("*.md"))
    assert len(pages) >= 10
    for page in pages:
        lines = [line for line in page.read_text().splitlines() if line.strip()]
        assert lines[0].startswith("# "), page.name
        first_fence = next(i for i, line in enumerate(lines) if line.startswith("```"))
        assert first_fence <= 4, f"{page.name}: the command comes after {first_fence - 1} lines of prose"


def test_benchmark_plots_are_redrawn_from_the_committed_figures(tmp_path):
    """Each plot is what bench/plots.py draws from bench/figures/ (no benchmark runs), and the
    benchmarks page shows at least four of them."""
    r = subprocess.run([sys.executable, "bench/plots.py", "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0 and "skipped" not in r.stderr, r.stderr
    drawn = sorted(p.name for p in tmp_path.glob("*.svg"))
    page = (DOCS / "benchmarks" / "index.md").read_text()
    shown = set(re.findall(r"\(\.\./img/bench/([\w-]+\.svg)\)", page))
    assert len(shown) >= 4 and shown <= set(drawn), (shown, drawn)
    for name in drawn:
        assert (tmp_path / name).read_bytes() == (DOCS / "img" / "bench" / name).read_bytes(), f"redraw {name}: bench/plots.py"
