"""Competence Framework Engine: competence frameworks as a graph, from Python.

A thin layer over the Rust engine: every class here is native (``competence_engine._core``) and
holds the engine's own objects. Every analysis runs in Rust (without holding the GIL) and comes
back as a read-only report whose attributes match the CLI's JSON (SPEC §3, with ``-`` in names
read as ``_``), each converted when it is read; list fields are :class:`Rows` of native rows,
made as they are read. This module only re-exports them and defines the exceptions.

>>> import competence_engine as ce
>>> catalog = ce.Catalog.builtin()
>>> catalog.validate().ok
True
>>> report = catalog.coverage("cnwl-developing-expertise-peer-working")
>>> report.framework
'hee-psw-2020'
>>> 0.0 <= report.ratio <= 1.0
True
>>> report.items[0].ref, type(report.items[0]).__name__
('hee-psw-2020:1', 'CoverageItem')
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from competence_engine._core import (
    Catalog,
    CoverageItem,
    CoverageReport,
    CrosswalkLink,
    CrosswalkReport,
    Diagnostic,
    Document,
    Framework,
    Gap,
    GapsReport,
    HoursShare,
    Item,
    Learner,
    LearnersReport,
    MatrixColumn,
    MatrixReport,
    MatrixRow,
    MissingLeaf,
    Report,
    Requirement,
    RequirementCounts,
    RequirementGaps,
    Rows,
    SequencingFinding,
    Skipped,
    Summary,
    ValidationReport,
    __version__,
    import_case,
    import_moodle,
)

__all__ = [
    "Catalog",
    "CompetenceError",
    "CompetenceWarning",
    "CoverageItem",
    "CoverageReport",
    "CrosswalkLink",
    "CrosswalkReport",
    "Diagnostic",
    "Document",
    "Framework",
    "Gap",
    "GapsReport",
    "HoursShare",
    "Item",
    "Learner",
    "LearnersReport",
    "MatrixColumn",
    "MatrixReport",
    "MatrixRow",
    "MissingLeaf",
    "Report",
    "Requirement",
    "RequirementCounts",
    "RequirementGaps",
    "Rows",
    "SequencingFinding",
    "Skipped",
    "Summary",
    "ValidationReport",
    "__version__",
    "import_case",
    "import_moodle",
]


def __dir__() -> list:
    """What the package offers (not the modules it imports)."""
    return sorted(__all__)


class CompetenceError(ValueError):
    """An error from the engine, with the diagnostic's fields.

    Attributes: ``code`` (a stable code such as ``unknown-curriculum``), ``file``, ``line`` and
    ``column`` (when the error points into a file), ``help`` (advice, or ``None``) and
    ``diagnostics`` (every diagnostic involved, as dicts).

    >>> try:
    ...     Catalog.builtin().coverage("no-such-course")
    ... except CompetenceError as e:
    ...     print(e.code)
    unknown-curriculum
    """

    def __init__(
        self,
        message: str,
        code: str = "internal-error",
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        help: Optional[str] = None,
        diagnostics: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.help = help
        self.diagnostics = [dict(d) for d in diagnostics]

    def __str__(self) -> str:
        """The message, then the help (``help: ...``) when there is one."""
        message = str(self.args[0]) if self.args else ""
        return f"{message}\nhelp: {self.help}" if self.help else message

    def __reduce__(self) -> Any:
        message = str(self.args[0]) if self.args else ""
        return (
            CompetenceError,
            (message, self.code, self.file, self.line, self.column, self.help, self.diagnostics),
        )



class CompetenceWarning(UserWarning):
    """Liberties an import took with its file, or what an export could not hold."""
