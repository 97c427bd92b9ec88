"""Writes analyst.ipynb, without outputs (the committed one was run once to show them; the
tests run it again).

    python examples/notebook/make.py
"""

import pathlib

import nbformat as nbf

nb = nbf.v4.new_notebook()
cells = []
md = lambda s: cells.append(nbf.v4.new_markdown_cell(s))
code = lambda s: cells.append(nbf.v4.new_code_cell(s))

md("""# Courses and learners against the HEE peer support worker framework

An analyst's walk through the shipped catalog with `competence_engine`: how each course covers
each domain of the HEE/NCCMH *Competence Framework for Mental Health Peer Support Workers*, one
course's map as a heatmap, and which learners of the example cohort are overdue. Every table
comes from the engine with its types (ordered categoricals, dates, lists, nullable counts): no
dtype is fixed by hand.

Run it with the bindings and the extras installed: `pip install "./framework-py[pandas]" matplotlib`.""")
code("""import competence_engine as ce
import matplotlib.pyplot as plt
import pandas as pd

catalog = ce.Catalog.builtin()
FRAMEWORK = "hee-psw-2020"
[c.id for c in catalog.curricula]""")
md("""## Coverage per domain per course

The framework's top-level items are its domains. Each course's coverage report has one row per
item, with its top-level item (`top`) and whether it is covered (`status`, an ordered
categorical); the share of covered leaves per domain is a group-by away.""")
code("""domains = catalog.framework(FRAMEWORK).to_pandas()
titles = domains.loc[domains["level"] == 0, "title"]

shares = {}
for course in catalog.curricula:
    items = catalog.coverage(course.id, FRAMEWORK).to_pandas()
    leaves = items[items["leaf"] & ~items["optional"]]
    shares[course.id] = (leaves["status"] == "covered").groupby(leaves["top"]).mean()

per_domain = pd.DataFrame(shares).rename(index=titles)
per_domain.round(2)""")
md("""## One course's map

The matrix report's `cells` table is the course map in long form: one row per leaf and session
that covers it, with the depth (introduced < practised < assessed). Pivoted, the depth's
category codes are the heatmap's values.""")
code("""course = "cnwl-developing-expertise-peer-working"
matrix = catalog.matrix(course, FRAMEWORK)
cells = matrix.to_pandas("cells")
leaves = matrix.to_pandas("rows").index          # in framework order
sessions = matrix.to_pandas("columns")["id"]     # in teaching order
grid = (
    cells.assign(level=cells["depth"].cat.codes + 1)
    .pivot_table(index="ref", columns="session", values="level", aggfunc="max", observed=True)
    .reindex(index=leaves, columns=sessions)
)
fig, ax = plt.subplots(figsize=(10, 6))
image = ax.imshow(grid.fillna(0).to_numpy(), aspect="auto", cmap="Greens", vmin=0, vmax=3)
ax.set_xlabel("session (teaching order)")
ax.set_ylabel("leaf")
ax.set_yticks(range(len(grid.index)), grid.index, fontsize=6)
bar = fig.colorbar(image, ticks=[0, 1, 2, 3])
bar.ax.set_yticklabels(["not covered"] + list(cells["depth"].cat.categories))
ax.set_title(f"{course}: depth per leaf and session")
plt.show()""")
md("""## Overdue learners

The example cohort (an LMS export: `examples/cohort/`) against the role of a CPFT peer support
worker. `status` is an ordered categorical and `due` a date, so filtering and sorting need no
conversion; the `missing` table lists each missing leaf in long form.""")
code("""cohort = catalog.learners(
    "cpft-peer-support-worker",
    "../cohort/learners.csv",
    "../cohort/evidence.csv",
    as_of=pd.Timestamp("2025-09-01"),
)
rows = cohort.to_pandas()
overdue = rows[rows["status"] == "overdue"].sort_values("due")
overdue[["learner", "requirement", "due", "done"]]""")
code("""missing = cohort.to_pandas("missing")
missing[missing["learner"].isin(overdue["learner"])].groupby("ref", observed=True).size().sort_values(ascending=False).head(10)""")
nb["cells"] = cells
nb["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbf.write(nb, pathlib.Path(__file__).with_name("analyst.ipynb"))
