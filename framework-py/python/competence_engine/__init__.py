"""Competence Framework Engine: competence frameworks as a graph, from Python.

A thin layer over the Rust engine: every analysis runs in Rust (without holding the GIL) and comes
back as a read-only :class:`Report` whose attributes match the CLI's JSON (SPEC §3, with ``-`` in
names read as ``_``).

>>> import competence_engine as ce
>>> catalog = ce.Catalog.builtin()
>>> catalog.validate().ok
True
>>> report = catalog.coverage("cnwl-developing-expertise-peer-working")
>>> report.framework
'hee-psw-2020'
>>> 0.0 <= report.ratio <= 1.0
True
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Optional, Tuple, Union

from competence_engine import _core

__version__: str = _core.__version__

__all__ = [
    "Catalog",
    "CompetenceError",
    "CompetenceWarning",
    "CoverageReport",
    "CrosswalkReport",
    "Framework",
    "GapsReport",
    "Item",
    "LearnersReport",
    "MatrixReport",
    "Record",
    "Report",
    "Rows",
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


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return Record(value)
    if isinstance(value, list):
        return tuple(_wrap(v) for v in value)
    return value


class Rows(Sequence):
    """A list field of a report (its items, learners, gaps...), converted from Rust a chunk of
    rows at a time as it is read: a 100,000-learner report's ``learners`` costs nothing until
    rows are read, and reading them one by one keeps one chunk. Rows that are objects are
    :class:`Record` objects. Compares equal to any sequence of the same rows; pickles as a
    tuple.

    >>> rows = Catalog.builtin().coverage("cnwl-developing-expertise-peer-working").items
    >>> len(rows) > 10, rows[0].ref, rows[-1].ref == rows[len(rows) - 1].ref
    (True, 'hee-psw-2020:1', True)
    """

    __slots__ = ("_native", "_name", "_len", "_chunk")
    _CHUNK = 1024

    def __init__(self, native: Any, name: str, length: int) -> None:
        self._native = native
        self._name = name
        self._len = length
        self._chunk: Tuple[int, list] = (-1, [])

    def _rows(self, start: int, stop: int) -> list:
        got = self._native.items(self._name, start, stop)
        return [_wrap(v) for v in (got[1] if got else [])]

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._len)
            if step == 1:
                return tuple(self._rows(start, stop)) if start < stop else ()
            return tuple(self[i] for i in range(start, stop, step))
        i = index + self._len if index < 0 else index
        if not 0 <= i < self._len:
            raise IndexError(f"row {index} of `{self._name}`, which has {self._len}")
        start = i - i % self._CHUNK
        if self._chunk[0] != start:
            self._chunk = (start, self._rows(start, start + self._CHUNK))
        return self._chunk[1][i - start]

    def __iter__(self) -> Iterator[Any]:
        for start in range(0, self._len, self._CHUNK):
            yield from self._rows(start, start + self._CHUNK)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Sequence, Rows)) and not isinstance(other, (str, bytes)):
            # Row by row, a chunk at a time: never the whole list at once.
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{self._len} rows of `{self._name}`>"

    def __reduce__(self) -> Any:
        return (tuple, (tuple(self),))


def _keys_for(name: str) -> Tuple[str, ...]:
    """The JSON names an attribute may stand for: itself, with ``-`` for ``_`` (``in_progress``
    for ``in-progress``), and without a trailing ``_`` (``from_`` for ``from``)."""
    return (name, name.replace("_", "-"), name.rstrip("_"))


class Record:
    """A read-only row of a report (an item, gap, link, learner, diagnostic...): attribute access
    to its JSON fields, ``record["field"]`` too, and ``to_dicts()`` for a plain dict.

    >>> r = Record({"ref": "hee-psw-2020:1", "in-progress": 2})
    >>> r.ref, r.in_progress
    ('hee-psw-2020:1', 2)
    """

    __slots__ = ("_data",)
    _data: dict

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getattr__(self, name: str) -> Any:
        data = object.__getattribute__(self, "_data")
        for key in _keys_for(name):
            if key in data:
                return _wrap(data[key])
        raise AttributeError(f"this record has no field `{name}`; it has: {', '.join(data)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("records are read-only")

    def __getitem__(self, key: str) -> Any:
        return _wrap(self._data[key])

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and other._data == self._data

    def __hash__(self) -> int:
        return hash(json.dumps(self._data, sort_keys=True))

    def keys(self) -> Iterable[str]:
        """The field names, as in the JSON."""
        return self._data.keys()

    def __dir__(self) -> Iterable[str]:
        """The fields (``-`` read as ``_``) and the methods, for completion."""
        return sorted(set(k.replace("-", "_") for k in self._data) | set(object.__dir__(self)))

    def to_dicts(self) -> dict:
        """The record as a plain dict (a copy)."""
        return json.loads(json.dumps(self._data))

    def __repr__(self) -> str:
        return f"<Record {self._data!r}>"

    def __reduce__(self) -> Any:
        return (Record, (self._data,))


_UNPICKLED = (
    "an unpickled report holds its data, not its tables: run the analysis again for "
    "arrow(), to_arrow() and to_polars() (to_pandas() gives the main table untyped)"
)


def _flat(row: Mapping[str, Any]) -> dict:
    return {k: (";".join(map(str, v)) if isinstance(v, list) else v) for k, v in row.items()}


class Report:
    """A read-only report, with attributes matching the CLI's JSON (SPEC §3).

    Analyses return a subclass (:class:`CoverageReport`, :class:`GapsReport`,
    :class:`CrosswalkReport`, :class:`MatrixReport`, :class:`LearnersReport`,
    :class:`ValidationReport`) whose attributes are typed. The report stays a Rust object until
    a field is read, and each field is converted once: a call costs what the analysis costs.
    Nested rows are :class:`Record` objects. Names with ``-`` (``in-progress``) are read with ``_``.

    ``to_dicts()`` gives plain dicts and lists, ``to_json()`` the CLI's JSON, ``table()`` the
    main table as flat dicts, ``to_pandas()`` that table as a DataFrame (when pandas is
    installed); in a notebook a report shows as that table.

    >>> report = Catalog.builtin().coverage("cnwl-developing-expertise-peer-working")
    >>> report.covered <= report.leaves
    True
    >>> report.items[0].ref
    'hee-psw-2020:1'
    >>> sorted(report.table()[0])[:3]
    ['covered', 'covered_leaves', 'depth']
    """

    __slots__ = ("_source", "_cache")
    _source: Any
    _cache: dict

    def __init__(self, source: Any) -> None:
        """``source``: the native report, or the report's JSON as a dict (unpickling)."""
        object.__setattr__(self, "_source", dict(source) if isinstance(source, Mapping) else source)
        object.__setattr__(self, "_cache", {})

    def _plain(self, key: str) -> Any:
        """A field as plain Python objects (converted from Rust once, then kept)."""
        cache = object.__getattribute__(self, "_cache")
        if key not in cache:
            source = object.__getattribute__(self, "_source")
            cache[key] = source[key] if isinstance(source, dict) else source.field(key)
        return cache[key]

    def _get(self, key: str) -> Any:
        """A field: a list field as :class:`Rows` (converted as it is read), any other
        converted once, then kept."""
        cache = object.__getattribute__(self, "_cache")
        rows_key = ("rows", key)
        if rows_key not in cache:
            source = object.__getattribute__(self, "_source")
            if isinstance(source, dict):
                cache[rows_key] = _wrap(source[key])
            else:
                listed = source.items(key, 0, 0)
                cache[rows_key] = Rows(source, key, listed[0]) if listed is not None else _wrap(self._plain(key))
        return cache[rows_key]

    if not TYPE_CHECKING:
        # Every field of every report is a typed property of its class; this reads them by
        # their JSON names too, at run time only, so a type checker flags a misspelt field.
        def __getattr__(self, name: str) -> Any:
            keys = self.keys()
            for key in _keys_for(name):
                if key in keys:
                    return self._get(key)
            raise AttributeError(f"this report has no field `{name}`; it has: {', '.join(keys)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("reports are read-only")

    def __getitem__(self, key: str) -> Any:
        try:
            return self._get(key)
        except KeyError:
            raise KeyError(key) from None

    def __contains__(self, key: str) -> bool:
        return key in self.keys()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Report) and type(other) is type(self) and other.to_dicts() == self.to_dicts()

    __hash__ = None  # type: ignore[assignment]

    def keys(self) -> Sequence[str]:
        """The field names, as in the JSON."""
        source = object.__getattribute__(self, "_source")
        return list(source) if isinstance(source, dict) else source.keys()

    def __dir__(self) -> Iterable[str]:
        """The fields (``-`` read as ``_``) and the methods, for completion."""
        return sorted(set(k.replace("-", "_") for k in self.keys()) | set(object.__dir__(self)))

    def to_dicts(self) -> dict:
        """The report as plain dicts and lists (a copy)."""
        source = object.__getattribute__(self, "_source")
        if isinstance(source, dict):
            return dict(json.loads(json.dumps(source)))
        return dict(source.to_dicts())

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The report as JSON, as the CLI's ``--format json`` writes it (one line when
        ``indent`` is ``None``)."""
        source = object.__getattribute__(self, "_source")
        if isinstance(source, dict):
            return json.dumps(source, indent=indent, ensure_ascii=False)
        return str(source.to_json(indent))

    @property
    def diagnostics(self) -> Sequence[Record]:
        """Every problem, as in ``competence validate``: ``severity``, ``code``, ``file``,
        ``line``, ``column``, ``message``, ``help`` (the catalog's; for learners, the records'
        too)."""
        return self._get("diagnostics")

    def table(self) -> list:
        """The report's main table as a list of flat dicts (lists joined with ``;``)."""
        return [self.to_dicts()]

    @property
    def tables(self) -> Tuple[str, ...]:
        """The names of the report's tables, the main one first (``diagnostics`` last): what
        :meth:`to_arrow`, :meth:`to_pandas` and :meth:`to_polars` take.

        >>> Catalog.builtin().coverage("cnwl-developing-expertise-peer-working").tables
        ('items', 'hours', 'sequencing', 'diagnostics')
        """
        return tuple(self._native_source().table_names())

    def arrow(self, table: Optional[str] = None) -> Any:
        """One of the report's tables (default: the main one) as an object with
        ``__arrow_c_stream__``, made in Rust with typed columns, for any Arrow consumer
        (``pyarrow.table(t)``, ``polars.DataFrame(t)``, DuckDB); it can be read once."""
        return self._native_source().table(table)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The main table through the Arrow PyCapsule interface, so ``pyarrow.table(report)``
        and ``polars.DataFrame(report)`` read the report's main table."""
        return self.arrow().__arrow_c_stream__(requested_schema)

    def to_arrow(self, table: Optional[str] = None) -> Any:
        """A table of the report (default: the main one; see :attr:`tables`) as a
        ``pyarrow.Table``: closed sets (depth, status, relation...) as dictionaries, ordered
        where the order means something, dates as dates, lists as list columns, counts that
        may be absent as nullable integers.

        >>> t = Catalog.builtin().coverage("cnwl-developing-expertise-peer-working").to_arrow()
        >>> str(t.schema.field("depth").type)
        'dictionary<values=string, indices=int8, ordered=1>'
        """
        return self._native_source().to_arrow(table)

    def to_polars(self, table: Optional[str] = None) -> Any:
        """A table of the report (default: the main one) as a polars DataFrame, read through the
        Arrow PyCapsule interface (no pyarrow needed): closed sets as ``Categorical``, lists as
        ``List``, dates as ``Date``."""
        return self._native_source().to_polars(table)

    def to_pandas(self, table: Optional[str] = None) -> Any:
        """A table of the report (default: the main one) as a pandas DataFrame with its types:
        closed sets as (ordered) categoricals, dates as ``datetime64``, lists as lists, counts as
        nullable integers, and the item ``ref`` as the index where each row has its own. An
        unpickled report gives its main table untyped (see :meth:`table`).

        >>> df = Catalog.builtin().coverage("cnwl-developing-expertise-peer-working").to_pandas()
        >>> df.index.name, str(df["depth"].dtype)
        ('ref', 'category')
        >>> df["depth"].cat.ordered
        True
        """
        source = object.__getattribute__(self, "_source")
        if isinstance(source, dict):
            import pandas as pd  # type: ignore[import-untyped]

            return pd.DataFrame(self.table())
        return source.to_pandas(table)

    def _native_source(self) -> Any:
        source = object.__getattribute__(self, "_source")
        if isinstance(source, dict):
            raise ValueError(_UNPICKLED)
        return source

    def __iter__(self) -> Iterator[str]:
        """The field names, as a mapping's keys (``report[name]`` reads one)."""
        return iter(self.keys())

    def __len__(self) -> int:
        """How many fields the report has."""
        return len(self.keys())

    def _preview(self, n: int) -> Tuple[list, int]:
        """The first ``n`` rows of the main table, and how many rows it has: from the typed
        table when pyarrow is installed (only those rows become Python objects), else from
        :meth:`table`."""
        source = object.__getattribute__(self, "_source")
        if not isinstance(source, dict):
            try:
                import pyarrow as pa  # type: ignore[import-untyped]

                t = pa.table(self.arrow())
                return t.slice(0, n).to_pylist(), t.num_rows
            except ImportError:  # pragma: no cover - depends on the environment
                pass
        rows = self.table()
        return rows[:n], len(rows)

    def _repr_html_(self) -> str:
        rows, total = self._preview(500)
        head = f"<p><b>{html.escape(self._title())}</b></p>"
        if not rows:
            return head + "<p>(nothing to show)</p>"
        columns = list(rows[0])

        def cell(v: Any) -> str:
            if v is None:
                return ""
            if isinstance(v, (list, tuple)):
                return "; ".join(map(str, v))
            return str(v)

        th = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell(r.get(c)))}</td>" for c in columns) + "</tr>"
            for r in rows
        )
        more = f"<p>… {total - len(rows)} more rows</p>" if total > len(rows) else ""
        return f"{head}<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>{more}"

    def _title(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._title()}: {', '.join(self.keys())}>"

    def __reduce__(self) -> Any:
        return (type(self), (self.to_dicts(),))


class ValidationReport(Report):
    """What ``Catalog.validate()`` found (``competence validate --format json``).

    >>> Catalog.builtin().validate().errors
    0
    """

    __slots__ = ()

    @property
    def ok(self) -> bool:
        """Whether there are no errors."""
        return bool(self._get("ok"))

    @property
    def files(self) -> int:
        """The user's files read."""
        return int(self._get("files"))

    @property
    def documents(self) -> int:
        """The documents loaded (shipped and the user's)."""
        return int(self._get("documents"))

    @property
    def errors(self) -> int:
        """The number of errors."""
        return int(self._get("errors"))

    @property
    def warnings(self) -> int:
        """The number of warnings."""
        return int(self._get("warnings"))

    def table(self) -> list:
        """One row per diagnostic."""
        return [_flat(d) for d in self._plain("diagnostics")]

    def _title(self) -> str:
        return f"{self.errors} errors, {self.warnings} warnings in {self.documents} documents"


class CoverageReport(Report):
    """How a curriculum covers a framework (``competence coverage --format json``).

    >>> r = Catalog.builtin().coverage("cnwl-developing-expertise-peer-working")
    >>> r.framework, r.leaves >= r.covered
    ('hee-psw-2020', True)
    """

    __slots__ = ()

    @property
    def curriculum(self) -> str:
        """The curriculum's id."""
        return str(self._get("curriculum"))

    @property
    def framework(self) -> str:
        """The framework's id."""
        return str(self._get("framework"))

    @property
    def leaves(self) -> int:
        """The leaves that count (optional ones left out)."""
        return int(self._get("leaves"))

    @property
    def covered(self) -> int:
        """Leaves covered."""
        return int(self._get("covered"))

    @property
    def partial(self) -> int:
        """Leaves reached only through a partial mapping."""
        return int(self._get("partial"))

    @property
    def ratio(self) -> float:
        """``covered / leaves`` (1.0 for a framework without leaves)."""
        return float(self._get("ratio"))

    @property
    def uncovered(self) -> Sequence[str]:
        """The refs of the leaves not covered."""
        return self._get("uncovered")

    @property
    def items(self) -> Sequence[Record]:
        """Every item: ``ref``, ``title``, ``leaf``, ``optional``, ``covered``, ``partial``,
        ``depth``, ``via``, ``sessions``, ``leaves``, ``covered_leaves``, ``level``."""
        return self._get("items")

    @property
    def hours(self) -> Sequence[Record]:
        """Teaching hours per top-level item: ``ref``, ``title``, ``hours``."""
        return self._get("hours")

    @property
    def unassigned_hours(self) -> float:
        """Hours of sessions that cover nothing in this framework."""
        return float(self._get("unassigned_hours"))

    @property
    def sequencing(self) -> Sequence[Record]:
        """Leaves assessed before they are introduced, or needed before they are taught."""
        return self._get("sequencing")

    def table(self) -> list:
        """One row per item."""
        return [_flat(row) for row in self._plain("items")]

    def _title(self) -> str:
        return f"Coverage of {self.framework} by {self.curriculum}: {self.covered} of {self.leaves} leaves ({self.ratio:.1%})"


class GapsReport(Report):
    """What a target lacks from a source (``competence gaps --format json``).

    >>> r = Catalog.builtin().gaps("cpft-peer-support-worker", "cnwl-developing-expertise-peer-working")
    >>> r.target_kind, r.source_kind
    ('role', 'curriculum')
    """

    __slots__ = ()

    @property
    def target(self) -> str:
        """The target's id (a framework or a role)."""
        return str(self._get("target"))

    @property
    def target_kind(self) -> str:
        """``framework`` or ``role``."""
        return str(self._get("target_kind"))

    @property
    def source(self) -> str:
        """The source's id (a curriculum or a framework)."""
        return str(self._get("source"))

    @property
    def source_kind(self) -> str:
        """``curriculum`` or ``framework``."""
        return str(self._get("source_kind"))

    @property
    def require_depth(self) -> Optional[str]:
        """The depth asked for, if any."""
        return self._get("require_depth")  # type: ignore[no-any-return]

    @property
    def leaves(self) -> int:
        """The target's leaves that count."""
        return int(self._get("leaves"))

    @property
    def gaps(self) -> Sequence[Record]:
        """Each gap: ``ref``, ``title``, ``reason``, ``reason_code``, ``depth``, ``filled_by``."""
        return self._get("gaps")

    def table(self) -> list:
        """One row per gap."""
        return [_flat(row) for row in self._plain("gaps")]

    def _title(self) -> str:
        return f"Gaps of {self.target} against {self.source}: {len(self._plain('gaps'))}"


class CrosswalkReport(Report):
    """How each item of one framework reaches another (``competence crosswalk --format json``).
    The JSON's ``from`` is read as ``from_``.

    >>> r = Catalog.builtin().crosswalk("care-certificate-2015", "care-certificate-2025")
    >>> r.from_, r.to
    ('care-certificate-2015', 'care-certificate-2025')
    """

    __slots__ = ()

    @property
    def from_(self) -> str:
        """The framework read from."""
        return str(self._get("from"))

    @property
    def to(self) -> str:
        """The framework reached."""
        return str(self._get("to"))

    @property
    def links(self) -> Sequence[Record]:
        """Each link: ``from``, ``to``, ``relation``, ``direct``, ``path``, ``mappings``."""
        return self._get("links")

    @property
    def unmatched_from(self) -> Sequence[str]:
        """Items of ``from`` that reach nothing."""
        return self._get("unmatched_from")

    @property
    def unmatched_to(self) -> Sequence[str]:
        """Items of ``to`` that nothing reaches."""
        return self._get("unmatched_to")

    @property
    def one_to_many(self) -> Sequence[Any]:
        """Items of ``from`` that reach several items."""
        return self._get("one_to_many")

    @property
    def many_to_one(self) -> Sequence[Any]:
        """Items of ``to`` reached from several items."""
        return self._get("many_to_one")

    def table(self) -> list:
        """One row per link."""
        return [_flat(row) for row in self._plain("links")]

    def _title(self) -> str:
        return f"Crosswalk from {self.from_} to {self.to}: {len(self._plain('links'))} links"


class MatrixReport(Report):
    """The course map: leaves by sessions and assessments (``competence matrix --format json``).

    >>> r = Catalog.builtin().matrix("cnwl-developing-expertise-peer-working")
    >>> len(r.rows[0].cells) == len(r.columns)
    True
    """

    __slots__ = ()

    @property
    def curriculum(self) -> str:
        """The curriculum's id."""
        return str(self._get("curriculum"))

    @property
    def framework(self) -> str:
        """The framework's id."""
        return str(self._get("framework"))

    @property
    def columns(self) -> Sequence[Record]:
        """Sessions and assessments in teaching order: ``id``, ``title``, ``kind``, ``day``,
        ``week``, ``total``."""
        return self._get("columns")

    @property
    def rows(self) -> Sequence[Record]:
        """One per leaf: ``ref``, ``title``, ``optional``, ``cells`` (a depth or ``None`` per
        column), ``total``."""
        return self._get("rows")

    def table(self) -> list:
        """One row per leaf, a column per session (I, P or A), and the total."""
        ids = [c["id"] for c in self._plain("columns")]
        letters = {"introduced": "I", "practised": "P", "assessed": "A", None: ""}
        return [
            {"ref": r["ref"], "title": r["title"], **{i: letters[c] for i, c in zip(ids, r["cells"])}, "total": r["total"]}
            for r in self._plain("rows")
        ]

    def _title(self) -> str:
        return f"Course map of {self.curriculum} against {self.framework}"


class LearnersReport(Report):
    """Learners against a role's requirements (``competence learners --format json``).

    >>> r = Catalog.builtin().learners("cpft-peer-support-worker",
    ...     [{"learner": "L1", "role": "cpft-peer-support-worker", "start_date": "2025-01-06"}],
    ...     [], as_of="2025-03-01")
    >>> r.learners[0].learner, r.summary.learners
    ('L1', 1)
    """

    __slots__ = ()

    @property
    def role(self) -> str:
        """The role's id."""
        return str(self._get("role"))

    @property
    def as_of(self) -> Optional[str]:
        """The date the statuses are computed for (``YYYY-MM-DD``)."""
        return self._get("as_of")  # type: ignore[no-any-return]

    @property
    def learners(self) -> Sequence[Record]:
        """Each learner: ``learner`` and ``requirements`` (``id``, ``status``, ``due``,
        ``missing``, ``done``)."""
        return self._get("learners")

    @property
    def summary(self) -> Record:
        """The cohort: counts per status, per requirement, the most missing leaves, and the
        rows skipped."""
        return Record(self._plain("summary"))

    def table(self) -> list:
        """One row per learner and requirement."""
        return [
            {
                "learner": learner["learner"],
                "requirement": r["id"],
                "status": r["status"],
                "due": r["due"],
                "done": r["done"],
                "missing": len(r["missing"]),
            }
            for learner in self._plain("learners")
            for r in learner["requirements"]
        ]

    def _title(self) -> str:
        return f"Learners against {self.role} as of {self.as_of}"


# Frameworks and items are native objects over the engine's own hierarchy (nothing is rebuilt
# here); their docstrings, with examples, are in `framework-py/src/framework.rs`.
Framework = _core.Framework
Item = _core.Item


class CompetenceWarning(UserWarning):
    """Liberties an import took with its file, or what an export could not hold."""


_Source = Union[str, bytes, "os.PathLike[str]", Mapping[str, Any]]


def import_case(*sources: "_Source", id: Optional[str] = None) -> list:
    """CASE packages (paths, bytes, text or dicts) as documents (dicts): one framework per
    package, then a mapping for the associations between packages imported together. Each
    document is checked as a file is: the first error raises :class:`CompetenceError` (with
    every diagnostic); liberties taken are issued as one :class:`CompetenceWarning`.

    >>> docs = import_case(Catalog.builtin().export_case("srn-peer-values"))
    >>> [(d["kind"], d["id"]) for d in docs]
    [('framework', 'srn-peer-values')]
    """
    frameworks, mappings = _core.import_case(list(sources), id)
    return [f.document for f in frameworks] + list(mappings)


def import_moodle(source: "_Source", id: Optional[str] = None) -> list:
    """A Moodle competency framework CSV (a path, bytes or text) as a framework document,
    checked as :func:`import_case` checks packages."""
    frameworks, _ = _core.import_moodle(source, id)
    return [f.document for f in frameworks]


_Records = Union[str, "os.PathLike[str]", Sequence[Mapping[str, Any]], Any]


def _arrow_columns(records: Any, wanted: Sequence[str]) -> Optional[list]:
    """A DataFrame (pandas, polars, pyarrow, or anything with ``__arrow_c_stream__``) as the
    columns the engine reads (``wanted``, matched as the engine matches headers: trimmed,
    ignoring case), each an Arrow ``large_string`` array's parts, read by the engine as the
    rows of the table (no CSV written). ``None`` (the table is then written as CSV, as before)
    when pyarrow is not installed, when it is not a table, or when a column holds anything but
    text, whole numbers or dates (a timestamp only at midnight, without a time zone), whose text
    would differ from the CSV's."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped]

        if callable(getattr(records, "to_csv", None)) and hasattr(records, "columns"):  # pandas
            table = pa.Table.from_pandas(records, preserve_index=False)
        elif callable(getattr(records, "write_csv", None)) and callable(getattr(records, "to_arrow", None)):
            table = records.to_arrow()  # polars
        elif hasattr(records, "__arrow_c_stream__"):
            table = pa.table(records)
        else:
            return None
        keys = {w.strip().lower() for w in wanted}
        parts = []
        for name, column in zip(table.column_names, table.columns):
            if str(name).strip().lower() not in keys:
                continue
            array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
            if pa.types.is_dictionary(array.type):
                array = array.dictionary_decode()
            kind = array.type
            if pa.types.is_timestamp(kind):
                import pyarrow.compute as pc  # type: ignore[import-untyped]

                dates = array.cast(pa.date32())
                # A time zone or a time of day: its CSV text is not a date.
                if kind.tz is not None or pc.all(pc.equal(dates.cast(kind), array)).as_py() is False:
                    return None
                array = dates
            elif not (
                pa.types.is_string(kind)
                or pa.types.is_large_string(kind)
                or pa.types.is_string_view(kind)
                or pa.types.is_integer(kind)
                or pa.types.is_date(kind)
                or pa.types.is_null(kind)
            ):
                return None
            array = array.cast(pa.large_string())
            validity, offsets, data = array.buffers()
            parts.append(
                (
                    str(name),
                    offsets.to_pybytes(),
                    b"" if data is None else data.to_pybytes(),
                    None if validity is None else validity.to_pybytes(),
                    array.offset,
                    len(array),
                )
            )
        return parts or None
    except Exception:  # a table pyarrow cannot read: written as CSV, as before
        return None


def _as_of(value: Any) -> Optional[str]:
    """An as-of date as ``YYYY-MM-DD``: text as it is; a ``datetime`` or a pandas ``Timestamp``
    by its date; a ``date`` as itself."""
    if value is None or isinstance(value, str):
        return value
    date = getattr(value, "date", None)
    if callable(date):
        value = date()
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return str(isoformat())
    raise TypeError(f"as_of is a date, a datetime or YYYY-MM-DD text, not {type(value).__name__}")


def _csv_bytes(records: _Records, columns: Sequence[str]) -> Tuple[Any, str]:
    """Learner records as the engine takes them: a path (read by the engine, streamed, under
    its limits), a table's columns (a DataFrame, with pyarrow), or CSV bytes (a DataFrame
    without pyarrow, or a list of dicts)."""
    if isinstance(records, (str, os.PathLike)):
        return os.fspath(records), os.fspath(records)
    table = _arrow_columns(records, ("learner", "role", "start_date", "qualifications", "ref", "status", "date"))
    if table is not None:
        return table, "<DataFrame>"
    to_csv = getattr(records, "to_csv", None)
    if callable(to_csv):  # pandas, without pyarrow
        return str(to_csv(index=False)).encode("utf-8"), "<DataFrame>"
    write_csv = getattr(records, "write_csv", None)
    if callable(write_csv):  # polars
        return str(write_csv()).encode("utf-8"), "<DataFrame>"
    if hasattr(records, "__arrow_c_stream__"):  # pyarrow and other Arrow tables
        try:
            import pyarrow as pa  # type: ignore[import-untyped]
            import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("Arrow tables as records need pyarrow: pip install pyarrow") from e
        sink = io.BytesIO()
        pa_csv.write_csv(pa.table(records), sink)
        return sink.getvalue(), "<table>"
    out = io.StringIO()
    rows = list(records)
    names = list(columns)
    for row in rows:
        for key in row:
            if key not in names:
                names.append(key)
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue().encode("utf-8"), "<records>"


class Catalog:
    """The shipped documents and the user's, loaded, checked and linked into one graph.

    ``Catalog.builtin()``; ``Catalog.load("my-docs/", "course.yaml", builtin=True)``. Catalogs are
    read-only, safe to share between threads, and pickle (with the text of the user's files).

    >>> catalog = Catalog.builtin()
    >>> "hee-psw-2020" in [f.id for f in catalog.frameworks]
    True
    """

    __slots__ = ("_native",)
    _native: "_core.Catalog"

    def __init__(self, native: "_core.Catalog") -> None:
        object.__setattr__(self, "_native", native)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("catalogs are read-only")

    @staticmethod
    def builtin() -> "Catalog":
        """The shipped documents alone."""
        return Catalog(_core.Catalog.builtin())

    @staticmethod
    def load(*paths: Union[str, "os.PathLike[str]"], builtin: bool = True) -> "Catalog":
        """The shipped documents (unless ``builtin=False``) and these files or folders (folders
        are searched for ``*.yaml``, ``*.yml`` and ``*.json``). Problems inside documents are in
        :meth:`validate`; a path that cannot be read raises :class:`CompetenceError`."""
        return Catalog(_core.Catalog.load([os.fspath(p) for p in paths], builtin))

    def validate(self) -> ValidationReport:
        """Every problem found: ``ok`` and ``diagnostics`` (each with ``severity``, ``code``,
        ``file``, ``line``, ``column``, ``message``, ``help``)."""
        return ValidationReport(self._native.validate())

    @property
    def documents(self) -> Tuple[Record, ...]:
        """Every document: ``kind``, ``id``, ``title``, ``completeness``, ``items``, ``leaves``."""
        return tuple(_wrap(self._native.list().field("documents")))

    @property
    def tables(self) -> Tuple[str, ...]:
        """The catalog's tables: ``documents`` (a row per document) and ``diagnostics``."""
        return tuple(self._native.table_names())

    def to_arrow(self, table: Optional[str] = None) -> Any:
        """A table of the catalog (default: ``documents``) as a ``pyarrow.Table``."""
        return self._native.to_arrow(table)

    def to_pandas(self, table: Optional[str] = None) -> Any:
        """A table of the catalog (default: ``documents``) as a typed pandas DataFrame.

        >>> docs = Catalog.builtin().to_pandas()
        >>> str(docs["kind"].dtype), bool(docs["builtin"].all())
        ('category', True)
        """
        return self._native.to_pandas(table)

    def to_polars(self, table: Optional[str] = None) -> Any:
        """A table of the catalog (default: ``documents``) as a polars DataFrame."""
        return self._native.to_polars(table)

    @property
    def curricula(self) -> Tuple[Record, ...]:
        """The curricula, as :attr:`documents` lists them.

        >>> "cnwl-developing-expertise-peer-working" in [c.id for c in Catalog.builtin().curricula]
        True
        """
        return tuple(d for d in self.documents if d.kind == "curriculum")

    @property
    def roles(self) -> Tuple[Record, ...]:
        """The roles, as :attr:`documents` lists them."""
        return tuple(d for d in self.documents if d.kind == "role")

    @property
    def frameworks(self) -> Tuple[Framework, ...]:
        """The frameworks."""
        return tuple(self._native.frameworks())

    def framework(self, id: str) -> Framework:
        """A framework by id (``CompetenceError`` with code ``unknown-framework`` if none).

        >>> Catalog.builtin().framework("hee-psw-2020").title
        'The Competence Framework for Mental Health Peer Support Workers'
        """
        return self._native.framework(id)

    def coverage(self, curriculum: str, framework: Optional[str] = None) -> CoverageReport:
        """How a curriculum covers a framework (default: its first); see ``competence coverage``."""
        return CoverageReport(self._native.coverage(curriculum, framework))

    def gaps(self, target: str, source: str, require_depth: Optional[str] = None) -> GapsReport:
        """What a target (framework or role) lacks from a source (curriculum or framework)."""
        return GapsReport(self._native.gaps(target, source, require_depth))

    def crosswalk(self, a: str, b: str) -> CrosswalkReport:
        """How each item of framework ``a`` reaches framework ``b``."""
        return CrosswalkReport(self._native.crosswalk(a, b))

    def matrix(self, curriculum: str, framework: Optional[str] = None) -> MatrixReport:
        """The course map: leaves by sessions and assessments, each cell a depth."""
        return MatrixReport(self._native.matrix(curriculum, framework))

    def learners(
        self,
        role: str,
        learners: _Records,
        evidence: _Records,
        as_of: Any = None,
        learner: Optional[str] = None,
    ) -> LearnersReport:
        """Learner records against a role. ``learners`` and ``evidence`` are paths to CSV files,
        DataFrames (pandas, polars, pyarrow, or anything with ``__arrow_c_stream__``), or lists
        of dicts with the columns of SPEC §1.6; ``as_of`` is a ``date``, a ``datetime``, a pandas
        ``Timestamp`` or ``YYYY-MM-DD`` text (default: today)."""
        l_bytes, l_name = _csv_bytes(learners, ("learner", "role", "start_date", "qualifications"))
        e_bytes, e_name = _csv_bytes(evidence, ("learner", "ref", "status", "date"))
        return LearnersReport(
            self._native.learners(role, l_bytes, e_bytes, l_name, e_name, _as_of(as_of), learner)
        )

    def export_case(self, framework: str, base_uri: Optional[str] = None) -> dict:
        """A framework as a CASE 1.1 package (a dict; ``json.dump`` it to a file). Object uris
        are ``base_uri`` + identifier when given, ``urn:uuid:IDENTIFIER`` otherwise.

        >>> pkg = Catalog.builtin().export_case("hee-psw-2020")
        >>> pkg["CFDocument"]["caseVersion"], len(pkg["CFItems"]) > 0
        ('1.1', True)
        """
        return dict(self._native.export_case(framework, base_uri))

    def export_moodle(self, framework: str) -> str:
        """A framework as a Moodle competency framework CSV (text). What Moodle cannot hold is
        issued as a ``CompetenceWarning``.

        >>> Catalog.builtin().export_moodle("imroc-peer-principles").splitlines()[0][:30]
        'Parent ID number,ID number,Sho'
        """
        return str(self._native.export_moodle(framework))

    def export_ob3(self, curriculum: str, base_uri: Optional[str] = None) -> dict:
        """A curriculum as an Open Badges 3.0 Achievement with an alignment per covered item.

        >>> a = Catalog.builtin().export_ob3("cnwl-developing-expertise-peer-working")
        >>> a["type"], a["alignment"][0]["type"]
        (['Achievement'], ['Alignment'])
        """
        return dict(self._native.export_ob3(curriculum, base_uri))

    @staticmethod
    def loads(text: str, builtin: bool = True) -> "Catalog":
        r"""The shipped documents (unless ``builtin=False``) and one document given as YAML or
        JSON text; diagnostics name it ``<text>``.

        >>> c = Catalog.loads("kind: framework\nid: mine\ntitle: Mine\nitems:\n  - {id: a, title: A}\n")
        >>> c.framework("mine").title
        'Mine'
        """
        return Catalog(_core.Catalog.from_sources([("<text>", text)], builtin))

    @staticmethod
    def from_documents(*documents: Any, builtin: bool = True) -> "Catalog":
        """The shipped documents (unless ``builtin=False``) and these documents: dicts (as
        :func:`import_case` gives them), YAML or JSON text, or :class:`Framework` objects.
        Each is checked as a file is; diagnostics name them ``<document N>``.

        >>> docs = import_case(Catalog.builtin().export_case("srn-peer-values"))
        >>> Catalog.from_documents(*docs, builtin=False).framework("srn-peer-values").id
        'srn-peer-values'
        """
        sources = []
        for n, doc in enumerate(documents, start=1):
            if isinstance(doc, Framework):
                doc = doc.document
            if isinstance(doc, Mapping):
                sources.append((f"<document {n}>.json", json.dumps(doc, ensure_ascii=False)))
            elif isinstance(doc, str):
                sources.append((f"<document {n}>", doc))
            else:
                raise TypeError(f"a document is a dict, YAML or JSON text, or a Framework, not {type(doc).__name__}")
        return Catalog(_core.Catalog.from_sources(sources, builtin))

    def __reduce__(self) -> Any:
        return (_from_sources, (self._native.sources(), self._native.has_builtin))

    def __repr__(self) -> str:
        return f"<Catalog: {len(self.documents)} documents>"


def _from_sources(sources: Sequence[Tuple[str, str]], builtin: bool) -> Catalog:
    return Catalog(_core.Catalog.from_sources(list(sources), builtin))


def builtin_documents() -> list:
    """The shipped documents as (kind, id) pairs."""
    return [(d.kind, d.id) for d in Catalog.builtin().documents]


def validate_builtin() -> list:
    """The shipped catalog's diagnostics (empty when every shipped document is valid)."""
    return list(Catalog.builtin().validate().to_dicts()["diagnostics"])
