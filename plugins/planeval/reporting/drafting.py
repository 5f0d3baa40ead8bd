"""Text the report drafts from evidence for the office to edit, and how it is marked as such.

A drafted sentence is wrapped in two private-use characters (``drafted``); the docx engine turns the
wrapped span into highlighted runs (``apply_drafted_marks``), so the office sees at a glance what planeval
wrote and must check. An approved (定稿) report is built without the marks (``without_drafting``): the same
text, unhighlighted. Nothing of the marking ever reaches the body as words. What is drafted: reporting/findings.py.

May import: nothing of planeval (python-docx only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

DRAFT_START, DRAFT_END = "\ue000", "\ue001"

T = TypeVar("T")


def drafted(text: str) -> str:
    """``text`` marked as drafted by planeval (highlighted in the draft report); "" stays ""."""
    return f"{DRAFT_START}{text}{DRAFT_END}" if text else text


def strip_marks(text: str) -> str:
    return text.replace(DRAFT_START, "").replace(DRAFT_END, "")


def without_drafting(value: T) -> T:
    """A report context with every drafted mark removed (the approved report: plain text)."""
    if isinstance(value, str):
        return strip_marks(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {key: without_drafting(item) for key, item in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [without_drafting(item) for item in value]  # type: ignore[return-value]
    return value


def apply_drafted_marks(document: Document) -> None:
    """Turn every marked span of a rendered document into highlighted runs and remove the marks."""
    for paragraph in _all_paragraphs(document):
        if any(DRAFT_START in run.text or DRAFT_END in run.text for run in paragraph.runs):
            _split_marked_runs(paragraph)


def _all_paragraphs(document: Document) -> Iterable[Paragraph]:
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _split_marked_runs(paragraph: Paragraph) -> None:
    """Each run holding marks becomes one run per span, the marked spans highlighted; the state carries over
    from run to run (a span may start in one run and end in another)."""
    import copy

    from docx.enum.text import WD_COLOR_INDEX
    from docx.text.run import Run

    inside = False
    for run in list(paragraph.runs):
        text = run.text
        if DRAFT_START not in text and DRAFT_END not in text:
            if inside:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            continue
        pieces: list[tuple[str, bool]] = []
        current = ""
        for char in text:
            if char in (DRAFT_START, DRAFT_END):
                pieces.append((current, inside))
                current, inside = "", char == DRAFT_START
            else:
                current += char
        pieces.append((current, inside))
        pieces = [(piece, marked) for piece, marked in pieces if piece]
        anchor = run._r
        for index, (piece, marked) in enumerate(pieces or [("", False)]):
            element = anchor if index == 0 else copy.deepcopy(run._r)
            if index:
                anchor.addnext(element)
                anchor = element
            target = Run(element, paragraph)
            target.text = piece
            target.font.highlight_color = WD_COLOR_INDEX.YELLOW if marked else None
