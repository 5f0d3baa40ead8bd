"""Trend charts for the report: one per indicator, Chinese labels in an installed CJK font.

matplotlib draws text with one font family; without a CJK font every Chinese character becomes an empty
box. ``cjk_font`` finds one (Noto CJK from Debian's fonts-noto-cjk, or a Windows/macOS font) and fails
loudly when there is none, rather than produce a chart of boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from planeval.files import replace_atomically

if TYPE_CHECKING:
    from matplotlib.font_manager import FontManager

PREFERRED_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei")


class NoCjkFont(RuntimeError):
    """No font with Chinese glyphs is installed (Debian: apt-get install fonts-noto-cjk; system-packages.txt)."""


@cache
def cjk_font() -> str:
    from matplotlib import font_manager

    manager = font_manager.fontManager
    for rescan in (False, True):
        if rescan:
            # matplotlib caches its font list (~/.cache/matplotlib) and never notices a font installed since
            # (make demo installs fonts-noto-cjk on a fresh machine): add the fonts found now, once, in place
            # (matplotlib's modules hold this very manager), and save the list for the next process.
            known = {font.fname for font in manager.ttflist}
            added = [path for path in font_manager.findSystemFonts() if path not in known]
            for path in added:
                try:
                    manager.addfont(path)
                except Exception:  # a font file matplotlib cannot read is skipped, as its own scan does
                    continue
            if added:
                _save_font_list(manager)
        installed = {font.name for font in manager.ttflist}
        for name in PREFERRED_FONTS:
            if name in installed:
                return name
    raise NoCjkFont(
        "未找到中文字体,图表中的汉字无法显示:请安装 fonts-noto-cjk(make demo / make test 以 root 运行时会自动安装)"
    )


def _save_font_list(manager: FontManager) -> None:
    import matplotlib
    from matplotlib import font_manager

    try:
        cache = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
        font_manager.json_dump(manager, cache)
    except OSError:
        pass  # a read-only cache only costs the next process the same rescan


@dataclass(frozen=True)
class TrendSeries:
    title: str  # the indicator's name
    unit: str  # axis label, e.g. "%" or "人/十万人"
    base_year: int
    base_value: float | None  # the base year's cell: 0 for a decline (measured against itself)
    actuals: dict[int, float]
    forecast: tuple[int, float] | None  # the unit's own end-year forecast
    trend: tuple[int, float] | None  # the straight-line forecast planeval computes
    target: float | None
    target_label: str  # as printed, e.g. ">15"


def draw_trend_chart(series: TrendSeries, output: Path) -> Path:
    """A small line chart (14 × 6.5 cm): the years, the forecast dashed, the trend forecast as a cross,
    the target as a red line. Written atomically as PNG."""
    from matplotlib.figure import Figure  # a Figure without pyplot: no global state between tasks

    font = cjk_font()
    figure = Figure(figsize=(5.5, 2.6), dpi=150)
    axes = figure.subplots()
    years = sorted(series.actuals)
    xs = ([series.base_year] if series.base_value is not None else []) + years
    ys = ([series.base_value] if series.base_value is not None else []) + [series.actuals[y] for y in years]
    axes.plot(xs, ys, marker="o", color="#1f4e79", label="实际值")
    if series.forecast is not None and xs:
        axes.plot([xs[-1], series.forecast[0]], [ys[-1], series.forecast[1]], linestyle="--", color="#1f4e79")
        axes.plot(*series.forecast, marker="o", markerfacecolor="white", color="#1f4e79", label="单位预测")
    if series.trend is not None:
        axes.plot(*series.trend, marker="x", color="#7f7f7f", linestyle="none", label="趋势预测")
    if series.target is not None:
        axes.axhline(series.target, color="#c00000", linewidth=1, label=f"规划目标 {series.target_label}")
    axes.set_title(series.title, fontfamily=font, fontsize=10)
    axes.set_ylabel(series.unit, fontfamily=font, fontsize=8)
    ticks = sorted({*xs, *([series.forecast[0]] if series.forecast else [])})
    axes.set_xticks(ticks, [f"{year}年" for year in ticks], fontfamily=font, fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.grid(alpha=0.3)
    axes.legend(prop={"family": font, "size": 7}, loc="best", frameon=False)
    figure.tight_layout()
    return replace_atomically(output, lambda temporary: figure.savefig(temporary, format="png"))
