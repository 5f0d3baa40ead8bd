"""The one docx engine every document uses: a docxtpl template rendered in a sandboxed, autoescaping Jinja
environment (a department's ``&``, ``<`` or ``{{`` comes out literally), images placed, punctuation made
full-width, the GB/T 9704 layout applied (signature kept with the body, table headers repeated, no blank
page), written atomically.

May import: planeval.files, planeval.reporting.typography, planeval.reporting.drafting."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar

from planeval.files import replace_atomically

if TYPE_CHECKING:
    from docx.document import Document
    from jinja2 import Template
    from jinja2.nodes import Template as TemplateNode
    from jinja2.sandbox import SandboxedEnvironment

Context = Mapping[str, object]  # what a template prints: its keys and the values (strings, lists, dicts) under them


@dataclass(frozen=True)
class Picture:
    """An image placed in a template (docxtpl InlineImage, created once the template is loaded)."""

    path: Path
    width_mm: float


def _with_images(document: object, value: object) -> object:
    """The context with every Picture replaced by an InlineImage of ``document``."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    if isinstance(value, Picture):
        return InlineImage(document, str(value.path), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {key: _with_images(document, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_images(document, item) for item in value]
    return value


def render_docx(
    template: Path | BinaryIO, context: Context, output: Path, finish: Callable[[Document], None] | None = None
) -> Path:
    """Render a docxtpl template; every value is autoescaped in a sandboxed Jinja environment, so a
    department's ``&``, ``<`` or ``{{`` comes out literally; punctuation beside Chinese text becomes
    full-width (planeval.reporting.typography). ``finish`` gets the rendered python-docx Document before it is
    laid out (typography.apply_official_layout) and written (atomically)."""
    from docxtpl import DocxTemplate

    from planeval.reporting.drafting import apply_drafted_marks
    from planeval.reporting.typography import apply_chinese_punctuation, apply_official_layout

    document = DocxTemplate(template if hasattr(template, "read") else str(template))
    document.render(_with_images(document, context), jinja_env=_jinja_environment(), autoescape=True)
    apply_chinese_punctuation(document.docx)
    apply_drafted_marks(document.docx)  # drafted text highlighted, its marks removed
    if finish is not None:
        finish(document.docx)
    apply_official_layout(document.docx)
    return replace_atomically(output, lambda temporary: document.save(str(temporary)))


@cache
def _jinja_environment() -> SandboxedEnvironment:
    """One sandboxed, autoescaping environment per process that keeps compiled templates: docxtpl compiles
    each XML part from source on every render, and 45 letters share one template (bench/render.py)."""
    from jinja2.sandbox import SandboxedEnvironment

    class CompilingOnce(SandboxedEnvironment):
        compiled: ClassVar[dict[str, Template]] = {}

        def from_string(
            self,
            source: str | TemplateNode,
            globals: MutableMapping[str, Any] | None = None,  # jinja2's own annotation
            template_class: type[Template] | None = None,
        ) -> Template:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            if source not in self.compiled:
                if len(self.compiled) > 256:  # many different templates: start again rather than grow
                    self.compiled.clear()
                self.compiled[source] = super().from_string(source)
            return self.compiled[source]

    return CompilingOnce(autoescape=True)


def record_provenance(path: Path, identifier: str, comment: str) -> Path:
    """Record in a rendered .docx's core properties what it was built from (``identifier``, and ``comment``
    in 备注): the document's text stays as rendered."""
    import docx

    document = docx.Document(str(path))
    document.core_properties.identifier = identifier
    document.core_properties.comments = comment
    return replace_atomically(path, lambda temporary: document.save(str(temporary)))
