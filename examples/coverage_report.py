"""Coverage of a shipped curriculum and a cohort's progress, from Python.

    pip install ./framework-py matplotlib pandas   # matplotlib and pandas are optional
    python examples/coverage_report.py [OUTPUT.png]

Prints the coverage of the CNWL course against the HEE peer support worker framework, per domain,
and the example cohort's progress against the CPFT role; draws the per-domain coverage as a bar
chart when matplotlib is installed (to OUTPUT.png, default coverage-by-domain.png).
"""

import pathlib
import sys

import competence_engine as ce

HERE = pathlib.Path(__file__).resolve().parent

catalog = ce.Catalog.builtin()
report = catalog.coverage("cnwl-developing-expertise-peer-working")
print(f"{report.curriculum}: {report.covered} of {report.leaves} leaves of {report.framework} covered ({report.ratio:.0%})")

# Top-level items (domains) carry the roll-up: covered leaves out of the leaves that count.
domains = [i for i in report.items if i.level == 0 and not i.optional]
# A domain that is itself a leaf counts as one leaf.
def share(d):
    leaves = 1 if d.leaves is None else d.leaves
    done = int(d.covered) if d.covered_leaves is None else d.covered_leaves
    return done, leaves


for d in domains:
    done, leaves = share(d)
    print(f"  {d.ref:<16} {done:>3}/{leaves:<3} {d.title}")

cohort = catalog.learners(
    "cpft-peer-support-worker",
    HERE / "cohort" / "learners.csv",
    HERE / "cohort" / "evidence.csv",
    as_of="2025-09-01",
)
summary = cohort.summary
print(f"cohort: {summary.met} met, {summary.in_progress} in progress, {summary.overdue} overdue, {summary.exempt} exempt")
for learner in cohort.learners:
    late = [r.id for r in learner.requirements if r.status == "overdue"]
    if late:
        print(f"  {learner.learner} overdue: {', '.join(late)}")

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("(install matplotlib to draw the chart)")
else:
    shares = [done / leaves if leaves else 0.0 for done, leaves in map(share, domains)]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.barh([d.ref.split(":")[1] for d in domains], shares)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of leaves covered")
    ax.set_title(f"{report.curriculum} against {report.framework}")
    ax.invert_yaxis()
    fig.tight_layout()
    out = sys.argv[1] if len(sys.argv) > 1 else "coverage-by-domain.png"
    fig.savefig(out)
    print(f"chart written to {out}")
