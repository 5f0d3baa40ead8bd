"""Benchmark: the per-unit feedback letters, planeval's way vs a bare docxtpl render of the same template.

The demo warehouse (no Airflow) gives the contexts of every unit that owes something (47 units in 海安's
catalog; the first --units are rendered). Both sides render the same template with the same contexts in
this one run, after a warm-up, and are printed as letters per second and as a ratio (goal: ≥ 20 letters
per second for planeval).

- bare:     DocxTemplate(path).render(context); save — docxtpl's defaults (no sandbox, no escaping)
- planeval: building all contexts from the warehouse (a few queries, not one per unit) plus
            letters.write_letters: the template read once, a sandboxed autoescaping Jinja environment,
            atomic writes

Usage: .venv/bin/python bench/render.py [--units 45] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=45)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["PLANEVAL_HOME"] = str(Path(scratch) / "home")
        os.environ["PLANEVAL_SETTLE_SECONDS"] = "0"
        os.environ.pop("PLANEVAL_DB_URL", None)
        from docxtpl import DocxTemplate

        from planeval.dates import today_in_beijing
        from planeval.monitoring import obligations
        from planeval.reporting.letters import LETTER_TEMPLATE, letter_contexts, write_letters
        from planeval.settings import TEMPLATES_DIR
        from planeval.stages import collect, setup, year_end
        from planeval.stages.context import open_selection, select
        from planeval.ui.demo import drop_demo_submissions
        from planeval.warehouse.db import make_engine

        settings, catalog, campaign = open_selection(select(year=2025))
        setup.init_units(campaign.code)
        drop_demo_submissions(settings, catalog, campaign)
        collect.run_collect()
        year_end.refresh_results()
        engine = make_engine(settings.db_url)
        as_of = today_in_beijing()
        statuses = obligations.record(engine, catalog, campaign, as_of)

        def planeval_side(folder: Path) -> int:
            contexts = letter_contexts(engine, catalog, campaign, statuses, as_of)
            chosen = dict(list(contexts.items())[: args.units])
            return len(write_letters(chosen, catalog, folder))

        contexts = list(letter_contexts(engine, catalog, campaign, statuses, as_of).values())[: args.units]

        def bare_side(folder: Path) -> int:
            folder.mkdir(parents=True, exist_ok=True)
            for index, context in enumerate(contexts):
                document = DocxTemplate(str(TEMPLATES_DIR / LETTER_TEMPLATE))
                document.render(context)
                document.save(str(folder / f"{index}.docx"))
            return len(contexts)

        planeval_side(Path(scratch) / "warm-p")  # warm-up: imports, caches, first template parse
        bare_side(Path(scratch) / "warm-b")
        timings = {"bare": [], "planeval": []}
        for round_ in range(args.rounds):
            for name, side in (("bare", bare_side), ("planeval", planeval_side)):
                started = time.perf_counter()
                count = side(Path(scratch) / f"{name}-{round_}")
                timings[name].append((time.perf_counter() - started, count))
        engine.dispose()

    best = {name: min(runs) for name, runs in timings.items()}
    rates = {name: count / seconds for name, (seconds, count) in best.items()}
    print(f"bare docxtpl:  {best['bare'][1]} letters in {best['bare'][0]:.2f} s = {rates['bare']:.1f} letters/s")
    print(
        f"planeval:      {best['planeval'][1]} letters in {best['planeval'][0]:.2f} s = {rates['planeval']:.1f} "
        "letters/s (contexts from the warehouse included)"
    )
    print(
        f"ratio planeval / bare (time) = {best['planeval'][0] / best['bare'][0]:.2f}; goal ≥ 20 letters/s: "
        f"{'met' if rates['planeval'] >= 20 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
