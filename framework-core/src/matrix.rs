//! The course map matrix: a framework's leaves × a curriculum's sessions and assessments, each
//! cell the depth at which the activity covers the leaf (directly or through a parent ref),
//! with per-row and per-column totals: the grid curriculum designers draw by hand.

use serde::Serialize;

use crate::analysis::{AnalysisError, curriculum_and_framework, teaching_order};
use crate::catalog::Catalog;
use crate::graph::{ActivityHandle, ActivityKind, ItemHandle};
use crate::ids::{DocId, FrameworkId, ItemRef};
use crate::model::{Depth, ItemIdx};
use crate::report::Report;

/// One column: a session or an assessment, in teaching order.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixColumn {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// `session` or `assessment`.
    pub kind: &'static str,
    /// Its day, if given.
    pub day: Option<u32>,
    /// Its week, if given.
    pub week: Option<u32>,
    /// How many leaves it covers.
    pub total: usize,
}

/// One row: a leaf of the framework.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// The leaf, qualified.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// Its title.
    pub title: String,
    /// Whether it is optional.
    pub optional: bool,
    /// One cell per column: the depth, or `null` when the activity does not cover the leaf.
    pub cells: Vec<Option<Depth>>,
    /// How many activities cover it.
    pub total: usize,
}

/// The matrix (`competence matrix`).
#[derive(Debug, Clone, Serialize)]
pub struct MatrixReport {
    /// The curriculum.
    pub curriculum: DocId,
    /// The framework.
    pub framework: FrameworkId,
    /// Sessions then assessments, in teaching order.
    pub columns: Vec<MatrixColumn>,
    /// Leaves, in framework order.
    pub rows: Vec<MatrixRow>,
}

/// Builds the matrix of `curriculum` against `framework` (default: its first framework).
pub fn matrix(
    catalog: &Catalog,
    curriculum: &str,
    framework: Option<&str>,
) -> Result<Report<MatrixReport>, AnalysisError> {
    let (c, cur, f) = curriculum_and_framework(catalog, curriculum, framework)?;
    let graph = catalog.graph();
    let fw = &catalog.frameworks()[f];
    let activities = teaching_order(cur);

    let tree = fw.hierarchy();
    let leaves: Vec<usize> = tree.all_leaves().map(ItemIdx::index).collect();
    // Each item's row (leaves only), by item position.
    let mut row_of: Vec<Option<usize>> = vec![None; fw.items().len()];
    for (r, &n) in leaves.iter().enumerate() {
        if let Some(slot) = row_of.get_mut(n) {
            *slot = Some(r);
        }
    }
    let mut cells: Vec<Vec<Option<Depth>>> = vec![vec![None; activities.len()]; leaves.len()];
    let mut columns = Vec::with_capacity(activities.len());
    for (col, a) in activities.iter().enumerate() {
        let h = ActivityHandle {
            curriculum: c,
            kind: a.kind,
            index: a.index,
        };
        for (target, depth) in graph.covers(h) {
            for leaf in catalog.all_leaves_under(target) {
                if leaf.framework_position() != f {
                    continue;
                }
                if let Some(cell) = row_of
                    .get(leaf.item().index())
                    .copied()
                    .flatten()
                    .and_then(|r| cells.get_mut(r))
                    .and_then(|row| row.get_mut(col))
                {
                    *cell = (*cell).max(Some(depth));
                }
            }
        }
        let (title, day, week, kind) = match a.kind {
            ActivityKind::Session => {
                let s = &cur.sessions[a.index];
                (s.title.clone(), s.day, s.week, "session")
            }
            ActivityKind::Assessment => {
                let x = &cur.assessments[a.index];
                (x.title.clone(), x.day, x.week, "assessment")
            }
        };
        columns.push(MatrixColumn {
            id: a.id.clone(),
            title,
            kind,
            day,
            week,
            total: 0,
        });
    }
    for (col, column) in columns.iter_mut().enumerate() {
        column.total = cells
            .iter()
            .filter(|row| row.get(col).is_some_and(Option::is_some))
            .count();
    }
    let rows = leaves
        .iter()
        .zip(cells)
        .map(|(&n, cells)| {
            let item = &fw.items()[n];
            let h = ItemHandle::new(f, ItemIdx(n as u32));
            MatrixRow {
                item: catalog
                    .item_ref(h)
                    .unwrap_or_else(|| ItemRef::item(fw.info.id.clone(), item.id.clone())),
                title: item.title.clone(),
                optional: tree.is_optional(ItemIdx(n as u32)),
                total: cells.iter().filter(|c| c.is_some()).count(),
                cells,
            }
        })
        .collect();
    let body = MatrixReport {
        curriculum: cur.info.id.clone(),
        framework: fw.info.id.clone(),
        columns,
        rows,
    };
    Ok(Report::new(catalog, body))
}
