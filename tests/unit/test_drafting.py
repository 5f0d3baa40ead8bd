"""Drafted text: marked for the office in the draft, plain in the approved report (reporting/drafting.py)."""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from planeval.reporting.drafting import apply_drafted_marks, drafted, strip_marks, without_drafting


def test_marked_spans_become_highlighted_runs_and_the_marks_go(tmp_path):
    document = Document()
    paragraph = document.add_paragraph("1. ")
    paragraph.add_run(f"已核定。{drafted('建议加强督促。')}其余照录。")
    split = document.add_paragraph()  # a span that starts in one run and ends in another
    split.add_run(f"前文{drafted('跨')[:-1]}")
    split.add_run(f"两段{drafted('x')[-1]}后文")
    apply_drafted_marks(document)
    runs = [(run.text, run.font.highlight_color) for run in paragraph.runs]
    assert runs == [("1. ", None), ("已核定。", None), ("建议加强督促。", WD_COLOR_INDEX.YELLOW), ("其余照录。", None)]
    assert [(r.text, r.font.highlight_color) for r in split.runs] == [
        ("前文", None),
        ("跨", WD_COLOR_INDEX.YELLOW),
        ("两段", WD_COLOR_INDEX.YELLOW),
        ("后文", None),
    ]
    text = "".join(p.text for p in document.paragraphs)
    assert "\ue000" not in text and "\ue001" not in text


def test_the_approved_context_carries_no_marks():
    context = {"a": drafted("草拟"), "b": [{"c": f"x{drafted('y')}"}], "n": 3, "empty": drafted("")}
    assert without_drafting(context) == {"a": "草拟", "b": [{"c": "xy"}], "n": 3, "empty": ""}
    assert strip_marks(drafted("句子。")) == "句子。"
