"""Issue 14's table targets, through Python, on the files `scale -- write` makes.

    cargo run --release -p framework-core --example scale -- write /tmp/scale
    python framework-py/benches/bench_tables.py /tmp/scale

Times (best of three) `to_arrow()` of the coverage report of the course's framework on issue
13's catalog (four frameworks of 100,000 items), and, in a fresh process, the 100,000-learner
report's missing leaves in long form as a pandas DataFrame, with the process's peak memory.
Build the extension in release mode first (`pip install ./framework-py` does).
"""

import resource
import subprocess
import sys
import time

import competence_engine as ce


def best(f, n=3):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    return min(times), out


def coverage(root):
    catalog = ce.Catalog.load(f"{root}/catalog", builtin=False)
    report = catalog.coverage("bench-course", "bench-d")
    took, table = best(report.to_arrow)
    print(f"coverage to_arrow(): {took * 1000:.0f} ms for {table.num_rows} rows (target: under 300 ms)")
    scalars(report, ("covered", "ratio", "leaves", "curriculum"))
    matrix = catalog.matrix("bench-course", "bench-d")
    scalars(matrix, ("curriculum", "framework"))
    took, row = best(lambda: matrix.rows[len(matrix.rows) - 1].cells)
    print(f"matrix: {len(matrix.rows)} rows x {len(matrix.columns)} columns; one row's cells read in {took * 1000:.2f} ms")


def scalars(report, names):
    """The slowest of these scalar reads (best of three each)."""
    slowest = max(best(lambda: getattr(report, n))[0] for n in names)
    print(f"{type(report).__name__}: slowest scalar read {slowest * 1e6:.2f} us (target: under 1 ms)")


def learners(root):
    catalog = ce.Catalog.load(f"{root}/records/records.yaml", f"{root}/records/role.yaml", builtin=False)
    start = time.perf_counter()
    report = catalog.learners(
        "records-role", f"{root}/records/learners.csv", f"{root}/records/evidence.csv", as_of="2025-09-01"
    )
    analysed = time.perf_counter() - start
    scalars(report, ("role", "as_of"))
    took_summary, _ = best(lambda: report.summary.met)
    print(f"LearnersReport: summary.met read in {took_summary * 1e6:.2f} us")
    frame = report.to_pandas("missing")
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"learners to a pandas frame of missing leaves: {took:.2f} s ({analysed:.2f} s the analysis), "
        f"{len(frame)} rows, peak {peak:.0f} MiB for the whole process (target: under 3 s and 1.5 GB)"
    )


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/scale"
    if len(sys.argv) > 2 and sys.argv[2] == "learners":
        learners(root)
    else:
        coverage(root)
        # Apart, so the peak memory is the learners' alone.
        subprocess.run([sys.executable, __file__, root, "learners"], check=True)
