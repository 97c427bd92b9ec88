"""The cost of the large coverage case through Python, against the same call in Rust.

    python framework-py/benches/bench_coverage.py

Writes the generated catalog of framework-core/benches/generate.rs (a 100,000-item framework,
three chained mappings of 50,000 links, a curriculum of 5,000 sessions and 200,000 covers) to a
temporary folder, loads it, and times `Catalog.coverage` (the Rust analysis and the Python
report around it) and the bare native call; then, apart, what reading the report costs (its
`items` as Python objects, and its JSON). Compare the call with `cargo bench -p framework-core
--bench analyses -- coverage` (the same analysis in Rust; the target is within 10%). Build the
extension in release mode first: `maturin develop --release -m framework-py/Cargo.toml`.
"""

import pathlib
import statistics
import tempfile
import time

import competence_engine as ce


def framework(fid, tops, per_top):
    lines = [f"kind: framework\nid: {fid}\ntitle: Generated {fid}\nitems:"]
    for t in range(tops):
        lines.append(f"  - id: t{t}\n    title: Top {t}\n    items:")
        for leaf in range(per_top):
            lines.append(f"      - {{ id: t{t}-{leaf}, title: Leaf {t} {leaf} }}")
    return "\n".join(lines) + "\n"


def ids(tops, per_top):
    out = []
    for t in range(tops):
        out.append(f"t{t}")
        out.extend(f"t{t}-{leaf}" for leaf in range(per_top))
    return out


def mapping(mid, src, dst, relation, from_ids, to_ids):
    lines = [f"kind: mapping\nid: {mid}\nfrom: {src}\nto: {dst}\nlinks:"]
    for n, a in enumerate(from_ids):
        b = to_ids[n * len(to_ids) // len(from_ids)]
        lines.append(f"  - {{ from: {a}, to: {b}, relation: {relation} }}")
    return "\n".join(lines) + "\n"


def curriculum(d_ids):
    depths = ["introduced", "practised", "assessed"]
    lines = ["kind: curriculum\nid: bench-course\ntitle: Generated course\nframeworks: [bench-d]\nsessions:"]
    k = 0
    for n in range(5000):
        lines.append(f"  - id: s{n}\n    title: Session {n}\n    day: {n // 5 + 1}\n    hours: 1\n    covers:")
        for _ in range(40):
            lines.append(f"      - {{ ref: {d_ids[(k * 7919) % len(d_ids)]}, depth: {depths[k % 3]} }}")
            k += 1
    return "\n".join(lines) + "\n"


def main():
    a, small = ids(1000, 99), ids(500, 99)
    docs = {
        "bench-a.yaml": framework("bench-a", 1000, 99),
        "bench-b.yaml": framework("bench-b", 500, 99),
        "bench-c.yaml": framework("bench-c", 500, 99),
        "bench-d.yaml": framework("bench-d", 500, 99),
        "d-c.yaml": mapping("bench-d--bench-c", "bench-d", "bench-c", "exact", small, small),
        "c-b.yaml": mapping("bench-c--bench-b", "bench-c", "bench-b", "close", small, small),
        "b-a.yaml": mapping("bench-b--bench-a", "bench-b", "bench-a", "narrow", small, a),
        "course.yaml": curriculum(small),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        for name, text in docs.items():
            (folder / name).write_text(text)
        catalog = ce.Catalog.load(folder, builtin=False)
        assert catalog.validate().ok

        def timed(call, runs=5):
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                call()
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        through_python = timed(lambda: catalog.coverage("bench-course", "bench-a"))
        native = timed(lambda: catalog._native.coverage("bench-course", "bench-a"))
        report = catalog.coverage("bench-course", "bench-a")
        items = timed(lambda: catalog.coverage("bench-course", "bench-a").items, runs=3)
        to_json = timed(lambda: report.to_json(None), runs=3)
        print(f"Catalog.coverage (the call):            {through_python * 1000:.0f} ms (median of 5)")
        print(f"_core.Catalog.coverage (native call):   {native * 1000:.0f} ms (median of 5)")
        print(f"the call, then reading .items:          {items * 1000:.0f} ms (median of 3; {len(report.items)} items)")
        print(f"report.to_json():                       {to_json * 1000:.0f} ms (median of 3)")


if __name__ == "__main__":
    main()
