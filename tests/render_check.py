"""Render check: a .docx converted to PDF by LibreOffice headless, read back with poppler.

Shared by every test that proves a document really renders (page count, text, a PNG of a page). The tools
come from Debian's packages (system-packages.txt; `make test` and `.ci/run` install them via
tools/system-deps.sh); a run without them skips these tests (listed in the summary), CI (CI=true) fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

TOOLS = ("soffice", "pdftotext", "pdfinfo", "pdftoppm", "pdfimages")
OFFICIAL_FONTS = Path(__file__).resolve().parents[1] / "docker" / "fonts.conf"


def require_render_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"render check needs {', '.join(missing)} (system-packages.txt; run: tools/system-deps.sh test)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass(frozen=True)
class RenderedPdf:
    path: Path
    pages: int
    text: str  # pdftotext -layout of all pages

    def page_png(self, page: int, output_stem: Path, dpi: int = 60) -> Path:
        """One page as PNG (``output_stem``.png), to look at or to check pixels."""
        pages = ["-f", str(page), "-l", str(page)]
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), *pages, "-singlefile", self.path, output_stem],
            check=True,
            capture_output=True,
        )
        return output_stem.with_suffix(".png")


def to_pdf(documents: list[Path], output_dir: Path) -> dict[Path, RenderedPdf]:
    """Convert documents to PDF in one LibreOffice start (a private profile, so parallel runs don't clash)."""
    require_render_tools()
    output_dir.mkdir(parents=True, exist_ok=True)
    profile = output_dir / ".lo-profile"
    # the official font names mapped to Noto CJK, as the production image does in /etc/fonts/conf.d
    fonts = output_dir / "fonts.conf"
    fonts.write_text(
        "<?xml version='1.0'?><fontconfig><include ignore_missing='yes'>/etc/fonts/fonts.conf</include>"
        f"<include>{OFFICIAL_FONTS}</include></fontconfig>",
        encoding="utf-8",
    )
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(output_dir),
            *map(str, documents),
        ],
        check=True,
        capture_output=True,
        timeout=600,
        env=dict(os.environ, FONTCONFIG_FILE=str(fonts)),
    )
    rendered = {}
    for document in documents:
        pdf = output_dir / f"{document.stem}.pdf"
        info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True, text=True).stdout
        rendered[document] = RenderedPdf(pdf, pages, text)
    return rendered


# Documents print full-width punctuation beside Chinese text (planeval.reporting.typography); tests spell sentences with
# the ASCII marks the catalog and the code use, and compare through this map.
_ASCII_MARKS = str.maketrans("，：；！？（）", ",:;!?()")


def ascii_marks(text: str) -> str:
    """``text`` with the full-width marks planeval.reporting.typography writes turned back into ASCII."""
    return text.translate(_ASCII_MARKS)


def squeeze(text: str) -> str:
    """Text without whitespace and with ASCII marks, for finding a sentence LibreOffice broke across lines."""
    return ascii_marks(re.sub(r"\s+", "", text))
