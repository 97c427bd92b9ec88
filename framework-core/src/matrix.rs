//! The course map matrix: a framework's leaves × a curriculum's sessions and assessments, each
//! cell the depth at which the activity covers the leaf (directly or through a parent ref),
//! with per-row and per-column totals: the grid curriculum designers draw by hand.

use serde::{Deserialize, Serialize};

use crate::analysis::{AnalysisError, curriculum_and_framework, teaching_order};
use crate::catalog::Catalog;
use crate::graph::{ActivityHandle, ActivityKind, ItemHandle};
use crate::ids::{DocId, FrameworkId, ItemRef};
use crate::model::{Depth, ItemIdx};
use crate::report::Report;

/// One column: a session or an assessment, in teaching order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatrixColumn {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// `session` or `assessment`.
    #[serde(deserialize_with = "column_kind")]
    pub kind: std::borrow::Cow<'static, str>,
    /// Its day, if given.
    pub day: Option<u32>,
    /// Its week, if given.
    pub week: Option<u32>,
    /// How many leaves it covers.
    pub total: usize,
}

/// One row: a leaf of the framework.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatrixRow {
    /// The leaf, qualified.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// Its title.
    pub title: String,
    /// The top-level item it is grouped under (itself when it is top-level).
    pub top: ItemRef,
    /// That item's title.
    pub top_title: String,
    /// Whether it is optional.
    pub optional: bool,
    /// One cell per column: the depth, or `null` when the activity does not cover the leaf
    /// (kept sparse, written whole).
    pub cells: Cells,
    /// How many activities cover it.
    pub total: usize,
}

/// A column's kind read back: one of the kinds a column has.
fn column_kind<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::borrow::Cow<'static, str>, D::Error> {
    let kind = String::deserialize(d)?;
    ["session", "assessment"]
        .into_iter()
        .find(|k| *k == kind)
        .map(std::borrow::Cow::Borrowed)
        .ok_or_else(|| serde::de::Error::custom(format_args!("no column kind `{kind}`")))
}

/// A row's cells: held as the covered cells only (a course of 5,000 sessions and a framework of
/// 100,000 leaves would otherwise hold half a billion), read and written as one cell per column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells {
    /// How many columns there are.
    width: usize,
    /// The covered cells: column and depth, by column.
    covered: Vec<(u32, Depth)>,
}

impl Cells {
    /// No cell covered, in a row of `width` columns.
    pub fn empty(width: usize) -> Self {
        Self {
            width,
            covered: Vec::new(),
        }
    }

    /// The cell of a column (`None` when not covered, or past the last column).
    pub fn get(&self, column: usize) -> Option<Depth> {
        let column = u32::try_from(column).ok()?;
        self.covered
            .binary_search_by_key(&column, |&(c, _)| c)
            .ok()
            .and_then(|n| self.covered.get(n))
            .map(|&(_, d)| d)
    }

    /// Covers a column at a depth (the deeper of it and what the cell holds).
    pub fn cover(&mut self, column: usize, depth: Depth) {
        let Ok(c) = u32::try_from(column) else { return };
        if column >= self.width {
            return;
        }
        match self.covered.binary_search_by_key(&c, |&(c, _)| c) {
            Ok(n) => {
                if let Some(cell) = self.covered.get_mut(n) {
                    cell.1 = cell.1.max(depth);
                }
            }
            Err(n) => self.covered.insert(n, (c, depth)),
        }
    }

    /// Every cell, one per column.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<Depth>> + '_ {
        (0..self.width).map(|c| self.get(c))
    }

    /// The covered cells only: column and depth, by column.
    pub fn covered(&self) -> impl ExactSizeIterator<Item = (usize, Depth)> + '_ {
        self.covered.iter().map(|&(c, d)| (c as usize, d))
    }

    /// How many columns there are.
    pub fn len(&self) -> usize {
        self.width
    }

    /// Whether there are no columns.
    pub fn is_empty(&self) -> bool {
        self.width == 0
    }
}

impl Serialize for Cells {
    /// One cell per column, `null` where not covered, as a dense row.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Cells {
    /// From the dense row `Serialize` writes.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let dense = Vec::<Option<Depth>>::deserialize(d)?;
        let mut cells = Cells::empty(dense.len());
        for (column, depth) in dense.into_iter().enumerate() {
            if let Some(depth) = depth {
                cells.cover(column, depth);
            }
        }
        Ok(cells)
    }
}

/// The matrix (`competence matrix`).
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    let mut cells: Vec<Cells> = vec![Cells::empty(activities.len()); leaves.len()];
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
                if let Some(row) = row_of
                    .get(leaf.item().index())
                    .copied()
                    .flatten()
                    .and_then(|r| cells.get_mut(r))
                {
                    row.cover(col, depth);
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
            kind: kind.into(),
            day,
            week,
            total: 0,
        });
    }
    let mut totals = vec![0; columns.len()];
    for row in &cells {
        for (col, _) in row.covered() {
            if let Some(t) = totals.get_mut(col) {
                *t += 1;
            }
        }
    }
    for (column, total) in columns.iter_mut().zip(totals) {
        column.total = total;
    }
    let rows = leaves
        .iter()
        .zip(cells)
        .map(|(&n, cells)| {
            let item = &fw.items()[n];
            let h = ItemHandle::new(f, ItemIdx(n as u32));
            let total = cells.covered().len();
            let own = || ItemRef::item(fw.info.id.clone(), item.id.clone());
            let (top, top_title) = catalog
                .top_of(h)
                .unwrap_or_else(|| (own(), item.title.clone()));
            MatrixRow {
                item: catalog.item_ref(h).unwrap_or_else(own),
                title: item.title.clone(),
                top,
                top_title,
                optional: tree.is_optional(ItemIdx(n as u32)),
                total,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_kept_sparse_and_read_and_written_whole() {
        let mut row = Cells::empty(5);
        row.cover(3, Depth::Introduced);
        row.cover(1, Depth::Assessed);
        row.cover(3, Depth::Practised);
        row.cover(3, Depth::Introduced); // the deeper stays
        row.cover(7, Depth::Assessed); // past the last column: ignored
        assert_eq!(
            row.iter().collect::<Vec<_>>(),
            vec![
                None,
                Some(Depth::Assessed),
                None,
                Some(Depth::Practised),
                None
            ]
        );
        assert_eq!(
            row.covered().collect::<Vec<_>>(),
            vec![(1, Depth::Assessed), (3, Depth::Practised)]
        );
        assert_eq!((row.len(), row.get(4), row.get(99)), (5, None, None));
        assert_eq!(
            serde_json::to_string(&row).unwrap(),
            r#"[null,"assessed",null,"practised",null]"#
        );
    }
}
