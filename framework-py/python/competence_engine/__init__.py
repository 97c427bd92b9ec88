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
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Tuple, Union

from competence_engine import _core

__version__: str = _core.__version__

__all__ = [
    "Catalog",
    "CompetenceError",
    "Framework",
    "Item",
    "Report",
    "__version__",
]


class CompetenceError(ValueError):
    """An error from the engine, with the diagnostic's fields.

    Attributes: ``code`` (a stable code such as ``unknown-curriculum``), ``file``, ``line`` and
    ``column`` (when the error points into a file), ``help`` (advice, or ``None``) and
    ``diagnostics`` (every diagnostic involved, as dicts).
    """

    def __init__(
        self,
        message: str,
        code: str = "error",
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        help: Optional[str] = None,
        diagnostics: Union[str, Sequence[Mapping[str, Any]]] = "[]",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.help = help
        self.diagnostics = json.loads(diagnostics) if isinstance(diagnostics, str) else list(diagnostics)

    def __reduce__(self) -> Any:
        return (
            CompetenceError,
            (str(self), self.code, self.file, self.line, self.column, self.help, json.dumps(self.diagnostics)),
        )


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return Report(value)
    if isinstance(value, list):
        return tuple(_wrap(v) for v in value)
    return value


class Report:
    """A read-only report: attribute access to the fields of the CLI's JSON.

    ``report.ratio``, ``report.items[0].ref``; names with ``-`` (``in-progress``) are read with
    ``_`` (``in_progress``). ``to_dicts()`` gives plain dicts and lists, ``to_json()`` the JSON,
    ``to_pandas()`` the report's main table as a DataFrame (when pandas is installed).
    """

    __slots__ = ("_data",)
    _data: dict

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getattr__(self, name: str) -> Any:
        data = object.__getattribute__(self, "_data")
        for key in (name, name.replace("_", "-")):
            if key in data:
                return _wrap(data[key])
        raise AttributeError(f"this report has no field `{name}`; it has: {', '.join(data)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("reports are read-only")

    def __getitem__(self, key: str) -> Any:
        return _wrap(self._data[key])

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Report) and other._data == self._data

    def __hash__(self) -> int:
        return hash(json.dumps(self._data, sort_keys=True))

    def keys(self) -> Iterable[str]:
        """The field names, as in the JSON."""
        return self._data.keys()

    def to_dicts(self) -> dict:
        """The report as plain dicts and lists (a copy)."""
        return json.loads(json.dumps(self._data))

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The report as JSON, as the CLI's ``--format json`` writes it."""
        return json.dumps(self._data, indent=indent, ensure_ascii=False)

    def table(self) -> list:
        """The report's main table as a list of flat dicts (one per item, gap, link, leaf,
        learner and requirement, diagnostic or document, depending on the report)."""
        d = self._data
        if "learners" in d and "role" in d:
            return [
                {
                    "learner": learner["learner"],
                    "requirement": r["id"],
                    "status": r["status"],
                    "due": r["due"],
                    "done": r["done"],
                    "missing": len(r["missing"]),
                }
                for learner in d["learners"]
                for r in learner["requirements"]
            ]
        if "rows" in d and "columns" in d:
            ids = [c["id"] for c in d["columns"]]
            letters = {"introduced": "I", "practised": "P", "assessed": "A", None: ""}
            return [
                {"ref": r["ref"], "title": r["title"], **{i: letters[c] for i, c in zip(ids, r["cells"])}, "total": r["total"]}
                for r in d["rows"]
            ]
        for key in ("items", "gaps", "links", "documents", "diagnostics"):
            if key in d and isinstance(d[key], list):
                return [{k: (";".join(map(str, v)) if isinstance(v, list) else v) for k, v in row.items()} for row in d[key]]
        return [d]

    def to_pandas(self) -> Any:
        """The report's main table (see :meth:`table`) as a pandas DataFrame."""
        try:
            import pandas as pd  # type: ignore[import-untyped]
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas() needs pandas: pip install pandas") from e
        return pd.DataFrame(self.table())

    def _repr_html_(self) -> str:
        rows = self.table()
        head = f"<p><b>{html.escape(self._title())}</b></p>"
        if not rows:
            return head + "<p>(nothing to show)</p>"
        columns = list(rows[0])
        th = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape('' if r.get(c) is None else str(r.get(c)))}</td>" for c in columns) + "</tr>"
            for r in rows[:500]
        )
        more = f"<p>… {len(rows) - 500} more rows</p>" if len(rows) > 500 else ""
        return f"{head}<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>{more}"

    def _title(self) -> str:
        d = self._data
        if "ratio" in d:
            return f"Coverage of {d['framework']} by {d['curriculum']}: {d['covered']} of {d['leaves']} leaves ({d['ratio']:.1%})"
        if "gaps" in d:
            return f"Gaps of {d['target']} against {d['source']}: {len(d['gaps'])}"
        if "links" in d and "from" in d:
            return f"Crosswalk from {d['from']} to {d['to']}: {len(d['links'])} links"
        if "role" in d:
            return f"Learners against {d['role']} as of {d['as_of']}"
        return "Report"

    def __repr__(self) -> str:
        return f"<Report {self._title()}: {', '.join(self._data)}>"

    def __reduce__(self) -> Any:
        return (Report, (self._data,))


class Item:
    """An item of a framework: ``id``, ``ref`` (``FRAMEWORK:ITEM``), ``title``, ``kind``,
    ``statement``, ``type``, ``optional``, ``children`` and ``parents`` (its own parent and those
    named with ``also_under``)."""

    __slots__ = ("_framework", "_data")
    _framework: "Framework"
    _data: Mapping[str, Any]

    def __init__(self, framework: "Framework", data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_framework", framework)
        object.__setattr__(self, "_data", data)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("items are read-only")

    @property
    def id(self) -> str:
        return str(self._data["id"])

    @property
    def ref(self) -> str:
        return f"{self._framework.id}:{self.id}"

    @property
    def title(self) -> str:
        return str(self._data["title"])

    @property
    def kind(self) -> Optional[str]:
        return self._data.get("kind")

    @property
    def statement(self) -> Optional[str]:
        return self._data.get("statement")

    @property
    def type(self) -> Optional[str]:
        return self._data.get("type")

    @property
    def optional(self) -> bool:
        return bool(self._data.get("optional", False))

    @property
    def children(self) -> Tuple["Item", ...]:
        return self._framework._children.get(self.id, ())

    @property
    def parents(self) -> Tuple["Item", ...]:
        return self._framework._parents.get(self.id, ())

    def __repr__(self) -> str:
        return f"<Item {self.ref} {self.title!r}>"


class Framework:
    """A framework of a catalog: ``id``, ``title``, ``items`` (every item, in file order),
    ``roots``, ``item(id)`` and ``leaves(ref=None)``."""

    __slots__ = ("_data", "_items", "_by_id", "_children", "_parents")
    _data: Mapping[str, Any]
    _items: Tuple[Item, ...]
    _by_id: dict
    _children: dict
    _parents: dict

    def __init__(self, data: Mapping[str, Any]) -> None:
        items: list = []
        children: dict = {}
        parents: dict = {}

        def walk(nodes: Sequence[Mapping[str, Any]], parent: Optional[Item]) -> Tuple[Item, ...]:
            made = []
            for node in nodes:
                item = Item(self, node)
                items.append(item)
                made.append(item)
                if parent is not None:
                    parents.setdefault(item.id, []).append(parent)
                children[item.id] = walk(node.get("items", ()), item)
            return tuple(made)

        object.__setattr__(self, "_data", data)
        roots = walk(data.get("items", ()), None)
        by_id = {i.id: i for i in items}
        for item in items:
            for extra in item._data.get("also_under", ()):
                if extra in by_id:
                    parents.setdefault(item.id, []).append(by_id[extra])
                    children[extra] = tuple(children.get(extra, ())) + (item,)
        children[""] = roots
        object.__setattr__(self, "_items", tuple(items))
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_children", children)
        object.__setattr__(self, "_parents", {k: tuple(v) for k, v in parents.items()})

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("frameworks are read-only")

    @property
    def id(self) -> str:
        return str(self._data["id"])

    @property
    def title(self) -> str:
        return str(self._data["title"])

    @property
    def completeness(self) -> Optional[str]:
        return self._data.get("completeness")

    @property
    def missing(self) -> Tuple[str, ...]:
        return tuple(self._data.get("missing", ()))

    @property
    def source(self) -> Optional[str]:
        return self._data.get("source")

    @property
    def items(self) -> Tuple[Item, ...]:
        return self._items

    @property
    def roots(self) -> Tuple[Item, ...]:
        return self._children[""]

    def item(self, id: str) -> Item:
        """The item with this id (a ``KeyError`` if there is none)."""
        return self._by_id[id]

    def leaves(self, ref: Optional[str] = None) -> Tuple[Item, ...]:
        """The leaves that count (optional ones left out) under an item, given by id or as
        ``FRAMEWORK:ITEM`` (every leaf of the framework when ``None``), in file order."""
        if ref is not None and ":" in ref:
            fw, _, ref = ref.partition(":")
            if fw != self.id:
                raise CompetenceError(f"`{fw}:{ref}` is not in framework `{self.id}`", code="unknown-ref")
        start = self.roots if ref in (None, "*") else (self.item(ref),)
        seen: dict = {}

        def optional(item: Item, under_optional: bool) -> None:
            flag = under_optional or item.optional
            if not item.children:
                if not flag:
                    seen.setdefault(item.id, item)
            for c in item.children:
                optional(c, flag)

        for item in start:
            optional(item, any(p.optional for p in self._ancestors(item)) or item.optional)
        order = {i.id: n for n, i in enumerate(self._items)}
        return tuple(sorted(seen.values(), key=lambda i: order[i.id]))

    def _ancestors(self, item: Item) -> Iterator[Item]:
        stack = list(item.parents)
        done = set()
        while stack:
            p = stack.pop()
            if p.id not in done:
                done.add(p.id)
                yield p
                stack.extend(p.parents)

    def __repr__(self) -> str:
        return f"<Framework {self.id} {self.title!r}: {len(self._items)} items>"


_Records = Union[str, "os.PathLike[str]", Sequence[Mapping[str, Any]], Any]


def _csv_bytes(records: _Records, columns: Sequence[str]) -> Tuple[bytes, str]:
    """Learner records as CSV bytes: a path, a pandas DataFrame, or a list of dicts."""
    if isinstance(records, (str, os.PathLike)):
        with open(records, "rb") as f:
            return f.read(), os.fspath(records)
    to_csv = getattr(records, "to_csv", None)
    if callable(to_csv):
        return str(to_csv(index=False)).encode("utf-8"), "<DataFrame>"
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

    def validate(self) -> Report:
        """Every problem found: ``ok`` and ``diagnostics`` (each with ``severity``, ``code``,
        ``file``, ``line``, ``column``, ``message``, ``help``)."""
        return Report(json.loads(self._native.validate_json()))

    @property
    def documents(self) -> Tuple[Report, ...]:
        """Every document: ``kind``, ``id``, ``title``, ``completeness``, ``items``, ``leaves``."""
        return _wrap(json.loads(self._native.list_json())["documents"])

    @property
    def frameworks(self) -> Tuple[Framework, ...]:
        """The frameworks."""
        return tuple(self.framework(d.id) for d in self.documents if d.kind == "framework")

    def framework(self, id: str) -> Framework:
        """A framework by id."""
        return Framework(json.loads(self._native.framework_json(id)))

    def coverage(self, curriculum: str, framework: Optional[str] = None) -> Report:
        """How a curriculum covers a framework (default: its first); see ``competence coverage``."""
        return Report(json.loads(self._native.coverage_json(curriculum, framework)))

    def gaps(self, target: str, source: str, require_depth: Optional[str] = None) -> Report:
        """What a target (framework or role) lacks from a source (curriculum or framework)."""
        return Report(json.loads(self._native.gaps_json(target, source, require_depth)))

    def crosswalk(self, a: str, b: str) -> Report:
        """How each item of framework ``a`` reaches framework ``b``."""
        return Report(json.loads(self._native.crosswalk_json(a, b)))

    def matrix(self, curriculum: str, framework: Optional[str] = None) -> Report:
        """The course map: leaves by sessions and assessments, each cell a depth."""
        return Report(json.loads(self._native.matrix_json(curriculum, framework)))

    def learners(
        self,
        role: str,
        learners: _Records,
        evidence: _Records,
        as_of: Optional[str] = None,
        learner: Optional[str] = None,
    ) -> Report:
        """Learner records against a role. ``learners`` and ``evidence`` are paths to CSV files,
        pandas DataFrames, or lists of dicts with the columns of SPEC §1.6; ``as_of`` is
        ``YYYY-MM-DD`` (default: today)."""
        l_bytes, l_name = _csv_bytes(learners, ("learner", "role", "start_date", "qualifications"))
        e_bytes, e_name = _csv_bytes(evidence, ("learner", "ref", "status", "date"))
        return Report(json.loads(self._native.learners_json(role, l_bytes, e_bytes, l_name, e_name, as_of, learner)))

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
