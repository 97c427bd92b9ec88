//! Course maps in spreadsheets: a curriculum read from a sheet (`competence import sheet`), and
//! the blank grid of a framework to fill in (`competence template`).
//!
//! A sheet is read in one of two shapes, recognised by its header row (found in its first 30
//! rows):
//! - a **grid**: one row per framework item (by id in a `ref` column, or by exact title in a
//!   `title` column), one column per session or assessment (the header is its title), each cell
//!   a depth (`I`, `P`, `A`, or the words), blank where the session does not cover the item; a
//!   row whose first cell is `Hours` gives each session's hours;
//! - a **long table**: one row per session and item, with `session`, `ref` (or `title`) and
//!   `depth` columns.
//!
//! Headers and values are matched leniently (case, spaces and punctuation aside; `practiced`
//! for `practised`; `IP` for the deeper of the two); a liberty that changes a value is a warning,
//! and every cell that cannot be read is an error at its sheet, row and column. The sheet's
//! cells come in as text (the caller reads the workbook or CSV), so this module does not depend
//! on a spreadsheet library.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::error::AnalysisError;
use crate::model::{Depth, Framework, ItemIdx};

/// A sheet's cells as text, row by row.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// The file it was read from.
    pub file: String,
    /// The sheet's name (a workbook's), or `None` for a CSV file.
    pub sheet: Option<String>,
    /// The rows (the first is row 1), each its cells (the first is column 1).
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// Where a diagnostic about this sheet points: `FILE [SHEET]`, or the file.
    pub fn place(&self) -> String {
        match &self.sheet {
            Some(s) => format!("{} [{s}]", self.file),
            None => self.file.clone(),
        }
    }

    fn cell(&self, row: usize, column: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(column))
            .map_or("", |c| c.trim())
    }
}

/// What `import sheet` is told besides the sheet.
#[derive(Debug, Clone, Default)]
pub struct SheetOptions {
    /// The framework the items are in (default: the one most of the rows name).
    pub framework: Option<String>,
    /// The curriculum's id.
    pub id: String,
    /// The curriculum's title.
    pub title: String,
}

/// The shape a sheet was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Items down the side, sessions across.
    Grid,
    /// One row per session and item.
    Long,
}

/// A session or assessment read from a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetActivity {
    /// Its id (from its header or name).
    pub id: String,
    /// Its title (the header or name as written).
    pub title: String,
    /// A day given in its name (`Day 3: ...`).
    pub day: Option<u32>,
    /// A week given in its name (`Week 2 ...`).
    pub week: Option<u32>,
    /// Hours, from the grid's `Hours` row or the long table's `hours` column.
    pub hours: Option<f64>,
    /// What it covers: each item's reference (bare for the main framework, qualified for
    /// others) and depth, in the order of the rows.
    pub covers: Vec<(String, Depth)>,
}

/// A course map read from a sheet.
#[derive(Debug, Clone)]
pub struct CourseMap {
    /// The curriculum's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The framework its bare references are in.
    pub framework: String,
    /// Every framework it names (the main one first).
    pub frameworks: Vec<String>,
    /// The sheet read (`FILE [SHEET]`).
    pub place: String,
    /// The shape the sheet was read in.
    pub shape: Option<Shape>,
    /// Sessions, in the order of the columns (grid) or of first appearance (long table).
    pub sessions: Vec<SheetActivity>,
    /// Assessments (columns or sessions named `Assessment...`).
    pub assessments: Vec<SheetActivity>,
    /// Liberties taken (warnings) and cells that could not be read (errors).
    pub diagnostics: Vec<Diagnostic>,
}

impl CourseMap {
    /// How many references were read.
    pub fn references(&self) -> usize {
        self.sessions
            .iter()
            .chain(&self.assessments)
            .map(|a| a.covers.len())
            .sum()
    }

    /// The curriculum as a YAML document, with `origin` as its opening comment.
    pub fn to_yaml(&self, origin: &str) -> String {
        let q = quoted;
        let mut out = String::new();
        for line in origin.lines() {
            let _ = writeln!(out, "# {line}");
        }
        let _ = writeln!(out, "kind: curriculum");
        let _ = writeln!(out, "id: {}", q(&self.id));
        let _ = writeln!(out, "title: {}", q(&self.title));
        let fws: Vec<String> = self.frameworks.iter().map(|f| q(f)).collect();
        let _ = writeln!(out, "frameworks: [{}]", fws.join(", "));
        let activity = |out: &mut String, a: &SheetActivity, list: &str| {
            let _ = writeln!(out, "  - id: {}", q(&a.id));
            let _ = writeln!(out, "    title: {}", q(&a.title));
            if let Some(d) = a.day {
                let _ = writeln!(out, "    day: {d}");
            }
            if let Some(w) = a.week {
                let _ = writeln!(out, "    week: {w}");
            }
            if let Some(h) = a.hours {
                let _ = writeln!(out, "    hours: {h}");
            }
            if a.covers.is_empty() {
                let _ = writeln!(out, "    {list}: []");
                return;
            }
            let _ = writeln!(out, "    {list}:");
            for (r, d) in &a.covers {
                if list == "assesses" || *d == Depth::Introduced {
                    let _ = writeln!(out, "      - {}", q(r));
                } else {
                    let _ = writeln!(out, "      - {{ ref: {}, depth: {d} }}", q(r));
                }
            }
        };
        if !self.sessions.is_empty() {
            let _ = writeln!(out, "sessions:");
            for s in &self.sessions {
                activity(&mut out, s, "covers");
            }
        }
        if !self.assessments.is_empty() {
            let _ = writeln!(out, "assessments:");
            for a in &self.assessments {
                activity(&mut out, a, "assesses");
            }
        }
        out
    }
}

/// Text as a YAML double-quoted scalar: `"` and `\\` escaped, and every character YAML does not
/// allow in a document (controls, DEL, C1 controls, line and paragraph separators, the byte
/// order mark, non-characters) written as its `\\u` escape, so any cell's text reads back as it
/// was.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What a header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Ref,
    Title,
    /// Shown for people, not read: a top-level item, a flag, totals, notes.
    Ignored,
    Session,
    Depth,
    Hours,
    /// Anything else: in a grid, a session or assessment.
    Other,
}

/// Text compared leniently: lower case, letters and digits only.
fn norm(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn column_of(header: &str) -> Column {
    match norm(header).as_str() {
        "ref" | "reference" | "refs" | "id" | "itemid" | "itemref" | "code" | "item" | "number"
        | "no" | "competence" | "competency" | "outcome" | "criterion" => Column::Ref,
        "title" | "itemtitle" | "name" | "itemname" | "competencetitle" | "competencytitle" => {
            Column::Title
        }
        "top" | "toplevelitem" | "toptitle" | "group" | "domain" | "standard" | "section"
        | "optional" | "total" | "totals" | "notes" | "note" | "comment" | "comments" | "level"
        | "type" | "kind" => Column::Ignored,
        "session" | "sessionid" | "sessiontitle" | "activity" | "module" | "lesson" => {
            Column::Session
        }
        "depth" | "coverage" | "ipa" => Column::Depth,
        "hours" => Column::Hours,
        "" => Column::Ignored,
        _ => Column::Other,
    }
}

/// A cell's depth: `None` when blank; `Err` with the message when it is not one. `Ok` carries
/// a warning when a liberty was taken.
fn depth_of(text: &str) -> Option<Result<(Depth, Option<&'static str>), ()>> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let word = norm(t);
    let exact = match word.as_str() {
        "i" | "introduced" | "introduce" | "intro" | "introduction" => Some(Depth::Introduced),
        "p" | "practised" | "practise" | "practiced" | "practice" => Some(Depth::Practised),
        "a" | "assessed" | "assess" | "assessment" => Some(Depth::Assessed),
        _ => None,
    };
    if let Some(d) = exact {
        let lenient = matches!(word.as_str(), "practiced" | "practice");
        return Some(Ok((
            d,
            lenient.then_some("`practiced` read as `practised`"),
        )));
    }
    // Several letters (`IP`, `I/P`, `I, P, A`): the deepest.
    if !word.is_empty() && word.chars().all(|c| matches!(c, 'i' | 'p' | 'a')) {
        let deepest = word
            .chars()
            .map(|c| match c {
                'i' => Depth::Introduced,
                'p' => Depth::Practised,
                _ => Depth::Assessed,
            })
            .max()
            .unwrap_or(Depth::Introduced);
        return Some(Ok((deepest, None)));
    }
    if matches!(word.as_str(), "x" | "y" | "yes" | "true" | "covered")
        || matches!(t, "✓" | "✔" | "•" | "*")
    {
        return Some(Ok((
            Depth::Introduced,
            Some("a mark without a depth is read as `introduced`; write I, P or A to say more"),
        )));
    }
    Some(Err(()))
}

/// A day or week in a session's name: `Day 3`, `Week 2: Recovery`, `D3`? (only the words).
fn numbered(title: &str, word: &str) -> Option<u32> {
    let lower = title.trim().to_lowercase();
    let rest = lower.strip_prefix(word)?.trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|&n| n > 0)
}

/// Whether a session's name makes it an assessment.
fn is_assessment(title: &str) -> bool {
    norm(title).starts_with("assess")
}

/// Finds items of a framework by id and by title (compared leniently; a title two items share
/// finds neither).
struct Finder<'c> {
    catalog: &'c Catalog,
    main: &'c Framework,
    titles: HashMap<String, Option<ItemIdx>>,
    /// Answers already given, by reference and title: a sheet repeats its unknown refs.
    seen: std::cell::RefCell<HashMap<(String, String), Result<String, String>>>,
}

impl<'c> Finder<'c> {
    fn new(catalog: &'c Catalog, main: &'c Framework) -> Self {
        let mut titles: HashMap<String, Option<ItemIdx>> = HashMap::new();
        for (idx, item) in main.indexed() {
            titles
                .entry(norm(&item.title))
                .and_modify(|e| *e = None)
                .or_insert(Some(idx));
        }
        Self {
            catalog,
            main,
            titles,
            seen: std::cell::RefCell::new(HashMap::new()),
        }
    }

    /// The reference to write for a row's `ref` and `title` cells, or why there is none.
    fn find(&self, reference: &str, title: &str) -> Result<String, String> {
        let key = (reference.to_owned(), title.to_owned());
        if let Some(known) = self.seen.borrow().get(&key) {
            return known.clone();
        }
        let found = self.find_new(reference, title);
        self.seen.borrow_mut().insert(key, found.clone());
        found
    }

    fn find_new(&self, reference: &str, title: &str) -> Result<String, String> {
        let fw = self.main.info.id.as_str();
        if !reference.is_empty() {
            if let Some((f, id)) = reference.split_once(':') {
                let (f, id) = (f.trim(), id.trim());
                return match self.catalog.lookup_framework(f) {
                    Ok(other) if other.find(id).is_some() => Ok(if f == fw {
                        id.to_owned()
                    } else {
                        format!("{f}:{id}")
                    }),
                    Ok(_) => Err(format!("framework `{f}` has no item `{id}`")),
                    Err(_) => Err(format!("no framework `{f}` in the catalog")),
                };
            }
            if self.main.find(reference).is_some() {
                return Ok(reference.to_owned());
            }
        }
        if !title.is_empty() {
            match self.titles.get(&norm(title)) {
                Some(Some(idx)) => {
                    if let Some(item) = self.main.item(*idx) {
                        return Ok(item.id.to_string());
                    }
                }
                Some(None) => {
                    return Err(format!(
                        "several items of `{fw}` have the title `{}`; give its id in the ref column",
                        crate::safe::escape(title)
                    ));
                }
                None => {}
            }
        }
        let shown = if reference.is_empty() {
            format!("the title `{}`", crate::safe::escape(title))
        } else {
            format!("`{}`", crate::safe::escape(reference))
        };
        let close =
            crate::suggest::closest(reference, self.main.items().iter().map(|i| i.id.as_str()));
        Err(match close {
            Some(c) if !reference.is_empty() => {
                format!("`{fw}` has no item {shown}; did you mean `{c}`?")
            }
            _ => format!("`{fw}` has no item {shown}"),
        })
    }

    /// How many of the rows' cells name an item of `f` (by id, qualified id, or title).
    fn score(f: &Framework, rows: &[(String, String)]) -> usize {
        let titles: std::collections::HashSet<String> =
            f.items().iter().map(|i| norm(&i.title)).collect();
        let id = f.info.id.as_str();
        rows.iter()
            .filter(|(r, t)| {
                let own = r
                    .split_once(':')
                    .map_or(r.as_str(), |(fw, item)| if fw == id { item } else { "" });
                (!own.is_empty() && f.find(own).is_some())
                    || (!t.is_empty() && titles.contains(&norm(t)))
            })
            .count()
    }
}

/// The header row and what each column names, in the first sheet that has one.
fn header(grid: &Grid) -> Option<(usize, Vec<Column>)> {
    grid.rows.iter().take(30).enumerate().find_map(|(n, row)| {
        let columns: Vec<Column> = row.iter().map(|c| column_of(c)).collect();
        let names_items = columns
            .iter()
            .any(|c| matches!(c, Column::Ref | Column::Title));
        let more = columns
            .iter()
            .any(|c| matches!(c, Column::Other | Column::Session));
        (names_items && more).then_some((n, columns))
    })
}

/// Reads a course map from the first of `grids` with a header row.
pub fn read(
    catalog: &Catalog,
    grids: &[Grid],
    options: &SheetOptions,
) -> Result<CourseMap, AnalysisError> {
    let mut map = CourseMap {
        id: options.id.clone(),
        title: options.title.clone(),
        framework: String::new(),
        frameworks: Vec::new(),
        place: grids.first().map(Grid::place).unwrap_or_default(),
        shape: None,
        sessions: Vec::new(),
        assessments: Vec::new(),
        diagnostics: Vec::new(),
    };
    let Some((grid, (head, columns))) = grids.iter().find_map(|g| Some((g, header(g)?))) else {
        let file = grids.first().map(|g| g.file.clone()).unwrap_or_default();
        map.diagnostics.push(
            Diagnostic::in_file(
                Code::ImportInvalid,
                file,
                1,
                1,
                "no sheet has a header row naming the items (`ref` or `title`) and the sessions",
            )
            .with_help("start from `competence template FRAMEWORK -o grid.xlsx`, or give a long table with the columns session, ref, depth"),
        );
        return Ok(map);
    };
    map.place = grid.place();
    let col = |c: Column| columns.iter().position(|&x| x == c);
    let (ref_col, title_col) = (col(Column::Ref), col(Column::Title));
    let long = col(Column::Session).is_some() && col(Column::Depth).is_some();
    map.shape = Some(if long { Shape::Long } else { Shape::Grid });

    // The framework: as given, or the one most rows name.
    let named: Vec<(String, String)> = (head + 1..grid.rows.len())
        .map(|r| {
            let cell = |c: Option<usize>| c.map_or("", |c| grid.cell(r, c)).to_owned();
            (cell(ref_col), cell(title_col))
        })
        .collect();
    let main = match &options.framework {
        Some(f) => catalog.lookup_framework(f)?,
        None => {
            let best = catalog
                .frameworks()
                .iter()
                .map(|f| (Finder::score(f, &named), f))
                .filter(|(n, _)| *n > 0)
                .max_by_key(|(n, _)| *n);
            match best {
                Some((_, f)) => f,
                None => {
                    map.diagnostics.push(
                        Diagnostic::in_file(
                            Code::ImportInvalid,
                            grid.place(),
                            u32::try_from(head + 2).unwrap_or(u32::MAX),
                            1,
                            "no row names an item of a framework in the catalog, by id or by title",
                        )
                        .with_help("name the framework with `--framework F`, and check the ref column holds its item ids"),
                    );
                    return Ok(map);
                }
            }
        }
    };
    map.framework = main.info.id.to_string();
    map.frameworks.push(map.framework.clone());
    let finder = Finder::new(catalog, main);
    if long {
        read_long(grid, head, &columns, &finder, &mut map);
    } else {
        read_grid(grid, head, &columns, &finder, &mut map);
    }
    // Every other framework a qualified reference names.
    for a in map.sessions.iter().chain(&map.assessments) {
        for (r, _) in &a.covers {
            if let Some((f, _)) = r.split_once(':')
                && !map.frameworks.iter().any(|x| x == f)
            {
                map.frameworks.push(f.to_owned());
            }
        }
    }
    Ok(map)
}

/// A diagnostic at a cell (row and column counted from 0).
fn at(code: Code, grid: &Grid, row: usize, column: usize, message: String) -> Diagnostic {
    Diagnostic::in_file(
        code,
        grid.place(),
        u32::try_from(row + 1).unwrap_or(u32::MAX),
        u32::try_from(column + 1).unwrap_or(u32::MAX),
        message,
    )
}

/// The depth written in a cell: `Ok(None)` when it is blank; the depth, with a warning when a
/// liberty was taken (`practiced`); `Err` with an error, its advice `help`, when it is no depth.
fn read_depth(
    grid: &Grid,
    row: usize,
    column: usize,
    help: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Depth>, ()> {
    let text = grid.cell(row, column);
    match depth_of(text) {
        None => Ok(None),
        Some(Ok((d, lenient))) => {
            if let Some(why) = lenient {
                diagnostics.push(at(
                    Code::ImportLeniency,
                    grid,
                    row,
                    column,
                    format!("cell {}: {why}", address(row, column)),
                ));
            }
            Ok(Some(d))
        }
        Some(Err(())) => {
            diagnostics.push(
                at(
                    Code::ImportInvalid,
                    grid,
                    row,
                    column,
                    format!(
                        "cell {} is not a depth: `{}`",
                        address(row, column),
                        crate::safe::escape(text)
                    ),
                )
                .with_help(help),
            );
            Err(())
        }
    }
}

/// A row whose ref or title names no item: placed at the ref's cell, or at the title's when
/// the row gives no ref.
fn no_item(
    grid: &Grid,
    row: usize,
    reference: &str,
    (ref_col, title_col): (Option<usize>, Option<usize>),
    why: &str,
) -> Diagnostic {
    let column = if reference.is_empty() {
        title_col
    } else {
        ref_col
    };
    at(
        Code::ImportInvalid,
        grid,
        row,
        column.unwrap_or(0),
        format!("row {}: {why}", row + 1),
    )
    .with_help("write the item's id as the framework has it (see `competence show FRAMEWORK`), or its exact title")
}

/// The cell's address as a spreadsheet shows it (`C7`).
pub fn address(row: usize, column: usize) -> String {
    let mut letters = String::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

fn activity(id: String, title: &str) -> SheetActivity {
    SheetActivity {
        id,
        title: title.to_owned(),
        day: numbered(title, "day"),
        week: numbered(title, "week"),
        hours: None,
        covers: Vec::new(),
    }
}

/// Adds a reference to an activity: once, at the deeper of two depths.
fn cover(a: &mut SheetActivity, reference: String, depth: Depth) {
    match a.covers.iter_mut().find(|(r, _)| *r == reference) {
        Some(existing) => existing.1 = existing.1.max(depth),
        None => a.covers.push((reference, depth)),
    }
}

/// A number of hours in a cell.
fn hours(text: &str) -> Option<f64> {
    let t = text.trim().trim_end_matches(['h', 'H']).trim();
    t.parse::<f64>()
        .ok()
        .filter(|h| h.is_finite() && (0.0..=1_000_000.0).contains(h))
}

fn read_grid(
    grid: &Grid,
    head: usize,
    columns: &[Column],
    finder: &Finder<'_>,
    map: &mut CourseMap,
) {
    let ref_col = columns.iter().position(|&c| c == Column::Ref);
    let title_col = columns.iter().position(|&c| c == Column::Title);
    // The session and assessment columns, each with its activity.
    let mut ids = super::UniqueIds::default();
    let mut activities: Vec<(usize, bool, SheetActivity)> = Vec::new();
    for (c, kind) in columns.iter().enumerate() {
        if *kind != Column::Other {
            continue;
        }
        let title = grid.cell(head, c);
        let id = ids.unique(&super::slug(title, &format!("column-{}", c + 1)));
        activities.push((c, is_assessment(title), activity(id, title)));
    }
    // Cells under a column with no header.
    let headed: std::collections::HashSet<usize> = activities.iter().map(|a| a.0).collect();
    for r in head + 1..grid.rows.len() {
        let label = |c: Option<usize>| c.map_or("", |c| grid.cell(r, c));
        let (reference, title) = (label(ref_col), label(title_col));
        // The hours row.
        if norm(reference) == "hours" || (reference.is_empty() && norm(title) == "hours") {
            for (c, _, a) in &mut activities {
                let text = grid.cell(r, *c);
                if text.is_empty() {
                    continue;
                }
                match hours(text) {
                    Some(h) => a.hours = Some(h),
                    None => map.diagnostics.push(
                        at(
                            Code::ImportInvalid,
                            grid,
                            r,
                            *c,
                            format!(
                                "cell {} is not a number of hours: `{}`",
                                address(r, *c),
                                crate::safe::escape(text)
                            ),
                        )
                        .with_help("write the session's hours as a number, such as 6 or 2.5"),
                    ),
                }
            }
            continue;
        }
        let marked: Vec<usize> = activities
            .iter()
            .map(|a| a.0)
            .filter(|&c| !grid.cell(r, c).is_empty())
            .collect();
        let stray = grid
            .rows
            .get(r)
            .into_iter()
            .flatten()
            .enumerate()
            .filter(|(c, v)| {
                !v.trim().is_empty()
                    && columns.get(*c).is_none_or(|k| *k == Column::Ignored)
                    && grid.cell(head, *c).is_empty()
                    && !headed.contains(c)
                    && Some(*c) != ref_col
                    && Some(*c) != title_col
            })
            .map(|(c, _)| c)
            .next();
        if let Some(c) = stray {
            map.diagnostics.push(
                at(
                    Code::ImportInvalid,
                    grid,
                    r,
                    c,
                    format!("cell {} is under a column with no header", address(r, c)),
                )
                .with_help("give the column a session's title in the header row, or clear it"),
            );
        }
        if marked.is_empty() {
            // A heading row, a blank row, or an item nobody covers: nothing to read.
            continue;
        }
        let found = match finder.find(reference, title) {
            Ok(found) => found,
            Err(why) => {
                map.diagnostics
                    .push(no_item(grid, r, reference, (ref_col, title_col), &why));
                continue;
            }
        };
        for (c, assessment, a) in &mut activities {
            let help = "write I, P or A (introduced, practised, assessed), or leave the cell blank";
            if let Ok(Some(d)) = read_depth(grid, r, *c, help, &mut map.diagnostics) {
                let d = if *assessment { Depth::Assessed } else { d };
                cover(a, found.clone(), d);
            }
        }
    }
    let mut unmarked: Vec<(usize, String)> = Vec::new();
    for (c, assessment, a) in activities {
        if a.covers.is_empty() {
            unmarked.push((c, a.title));
        } else if assessment {
            map.assessments.push(a);
        } else {
            map.sessions.push(a);
        }
    }
    // One warning for every column left out (a template's spare columns are many).
    if let Some(&(first, _)) = unmarked.first() {
        let letters = |c: usize| {
            address(head, c)
                .trim_end_matches(|ch: char| ch.is_ascii_digit())
                .to_owned()
        };
        let mut named: Vec<String> = unmarked
            .iter()
            .take(8)
            .map(|(c, t)| format!("{} (`{}`)", letters(*c), crate::safe::escape(t)))
            .collect();
        if unmarked.len() > 8 {
            named.push(format!("and {} more", unmarked.len() - 8));
        }
        map.diagnostics.push(at(
            Code::ImportLeniency,
            grid,
            head,
            first,
            format!(
                "{} with no marks left out: {}",
                if unmarked.len() == 1 {
                    "a column"
                } else {
                    "columns"
                },
                named.join(", ")
            ),
        ));
    }
}

fn read_long(
    grid: &Grid,
    head: usize,
    columns: &[Column],
    finder: &Finder<'_>,
    map: &mut CourseMap,
) {
    let col = |k: Column| columns.iter().position(|&c| c == k);
    let (ref_col, title_col) = (col(Column::Ref), col(Column::Title));
    let session_col = col(Column::Session).unwrap_or(0);
    let depth_col = col(Column::Depth);
    let hours_col = col(Column::Hours);
    let mut ids = super::UniqueIds::default();
    let mut order: Vec<(bool, SheetActivity)> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for r in head + 1..grid.rows.len() {
        let cell = |c: Option<usize>| c.map_or("", |c| grid.cell(r, c));
        let session = grid.cell(r, session_col);
        let (reference, title) = (cell(ref_col), cell(title_col));
        if session.is_empty() && reference.is_empty() && title.is_empty() {
            continue;
        }
        if session.is_empty() {
            map.diagnostics.push(
                at(
                    Code::ImportInvalid,
                    grid,
                    r,
                    session_col,
                    format!("row {} names no session", r + 1),
                )
                .with_help("give every row the session that covers its item"),
            );
            continue;
        }
        let found = match finder.find(reference, title) {
            Ok(found) => found,
            Err(why) => {
                map.diagnostics
                    .push(no_item(grid, r, reference, (ref_col, title_col), &why));
                continue;
            }
        };
        let key = norm(session);
        let n = *by_name.entry(key).or_insert_with(|| {
            let id = ids.unique(&super::slug(session, "session"));
            order.push((is_assessment(session), activity(id, session)));
            order.len() - 1
        });
        let Some((assessment, a)) = order.get_mut(n) else {
            continue;
        };
        if let Some(c) = hours_col {
            let text = grid.cell(r, c);
            if !text.is_empty() {
                match hours(text) {
                    Some(h) => a.hours = Some(h),
                    None => map.diagnostics.push(at(
                        Code::ImportInvalid,
                        grid,
                        r,
                        c,
                        format!("cell {} is not a number of hours", address(r, c)),
                    )),
                }
            }
        }
        let help = "write I, P or A (introduced, practised, assessed), or leave the cell blank for introduced";
        let depth = match depth_col.map_or(Ok(None), |c| {
            read_depth(grid, r, c, help, &mut map.diagnostics)
        }) {
            Ok(d) => d.unwrap_or(Depth::Introduced),
            Err(()) => continue,
        };
        let depth = if *assessment { Depth::Assessed } else { depth };
        cover(a, found, depth);
    }
    for (assessment, a) in order {
        if assessment {
            map.assessments.push(a);
        } else {
            map.sessions.push(a);
        }
    }
}

/// One row of the blank grid: an item of the framework, in framework order.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateRow {
    /// The item's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The id of the top-level item it is grouped under (itself when it is top-level).
    pub top: String,
    /// Whether it is optional.
    pub optional: bool,
    /// How deep it is nested (0 for top-level items).
    pub level: usize,
    /// Whether it is a leaf.
    pub leaf: bool,
}

/// The rows of a framework's blank grid: every item, in framework order.
pub fn template(catalog: &Catalog, framework: &str) -> Result<Vec<TemplateRow>, AnalysisError> {
    let f = catalog.lookup_framework(framework)?;
    let tree = f.hierarchy();
    let mut out = Vec::with_capacity(f.items().len());
    let mut top = String::new();
    for (idx, item) in f.indexed() {
        let level = tree.level(idx);
        if tree.parent(idx).is_none() {
            top = item.id.to_string();
        }
        out.push(TemplateRow {
            id: item.id.to_string(),
            title: item.title.clone(),
            top: top.clone(),
            optional: tree.is_optional(idx),
            level,
            leaf: tree.is_leaf(idx),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            file: "map.csv".into(),
            sheet: None,
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
                .collect(),
        }
    }

    fn options() -> SheetOptions {
        SheetOptions {
            framework: None,
            id: "my-course".into(),
            title: "My course".into(),
        }
    }

    #[test]
    fn depths_are_read_leniently() {
        let d = |t| depth_of(t).map(|r| r.map(|(d, w)| (d, w.is_some())));
        assert_eq!(d(""), None);
        assert_eq!(d(" i "), Some(Ok((Depth::Introduced, false))));
        assert_eq!(d("Practised"), Some(Ok((Depth::Practised, false))));
        assert_eq!(d("practiced"), Some(Ok((Depth::Practised, true))));
        assert_eq!(d("I/P"), Some(Ok((Depth::Practised, false))));
        assert_eq!(d("a, i"), Some(Ok((Depth::Assessed, false))));
        assert_eq!(d("x"), Some(Ok((Depth::Introduced, true))));
        assert_eq!(d("maybe"), Some(Err(())));
    }

    #[test]
    fn any_text_quotes_as_yaml_that_reads_back() {
        for text in [
            "plain",
            "a \"q\" \\ b",
            "del\u{7f} c1\u{85}\u{9f} nl\n tab\t",
            "\u{2028}\u{feff}é",
        ] {
            let yaml = format!("v: {}\n", quoted(text));
            let back: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            assert_eq!(back["v"], text);
        }
    }

    #[test]
    fn addresses_are_spreadsheet_letters() {
        assert_eq!(address(0, 0), "A1");
        assert_eq!(address(6, 2), "C7");
        assert_eq!(address(0, 26), "AA1");
    }

    #[test]
    fn a_grid_becomes_sessions_with_every_bad_cell_reported() {
        let catalog = Catalog::builtin();
        let g = grid(&[
            &["Course map"],
            &[
                "Ref",
                "Title",
                "Day 1: Values",
                "Day 2",
                "Assessment: workbook",
                "",
            ],
            &["Hours", "", "6", "six", "", ""],
            &["1.1.c1", "", "I", "p", "", ""],
            &["", "Mutuality", "", "A", "x", ""],
            &["9.9", "", "I", "", "", ""],
            &["2.1", "", "maybe", "", "", "stray"],
            &["", "A heading row nobody marks", "", "", "", ""],
        ]);
        let map = read(&catalog, &[g], &options()).unwrap();
        assert_eq!(map.framework, "hee-psw-2020");
        assert_eq!(map.shape, Some(Shape::Grid));
        let s: Vec<(&str, Option<u32>, Option<f64>, usize)> = map
            .sessions
            .iter()
            .map(|s| (s.id.as_str(), s.day, s.hours, s.covers.len()))
            .collect();
        assert_eq!(
            s,
            vec![
                ("day-1-values", Some(1), Some(6.0), 1),
                ("day-2", Some(2), None, 2)
            ]
        );
        assert_eq!(map.assessments.len(), 1);
        assert_eq!(
            map.assessments[0].covers,
            vec![("mutuality".to_owned(), Depth::Assessed)]
        );
        let places: Vec<(Code, u32, u32)> = map
            .diagnostics
            .iter()
            .map(|d| (d.code(), d.line(), d.column()))
            .collect();
        assert_eq!(
            places,
            vec![
                (Code::ImportInvalid, 3, 4),  // six hours
                (Code::ImportLeniency, 5, 5), // x
                (Code::ImportInvalid, 6, 1),  // 9.9
                (Code::ImportInvalid, 7, 6),  // stray
                (Code::ImportInvalid, 7, 3),  // maybe
            ]
        );
        let yaml = map.to_yaml("Imported.");
        assert!(
            yaml.contains("      - { ref: \"1.1.c1\", depth: practised }"),
            "{yaml}"
        );
        assert!(yaml.contains("assesses:\n      - \"mutuality\""), "{yaml}");
    }

    #[test]
    fn a_long_table_becomes_sessions_in_order() {
        let catalog = Catalog::builtin();
        let g = grid(&[
            &["Session", "Ref", "Depth", "Hours"],
            &["Week 1 intro", "hee-psw-2020:1.1.c1", "", "3"],
            &["Week 1 intro", "care-certificate-2015:1.1a", "P", ""],
            &["Week 2", "mutuality", "practiced", ""],
            &["", "2.1", "I", ""],
        ]);
        let map = read(&catalog, &[g], &options()).unwrap();
        assert_eq!(map.shape, Some(Shape::Long));
        assert_eq!(
            map.frameworks,
            vec!["hee-psw-2020", "care-certificate-2015"]
        );
        assert_eq!(map.sessions.len(), 2);
        assert_eq!(map.sessions[0].week, Some(1));
        assert_eq!(map.sessions[0].hours, Some(3.0));
        assert_eq!(
            map.sessions[0].covers,
            vec![
                ("1.1.c1".to_owned(), Depth::Introduced),
                ("care-certificate-2015:1.1a".to_owned(), Depth::Practised)
            ]
        );
        let codes: Vec<Code> = map.diagnostics.iter().map(Diagnostic::code).collect();
        assert_eq!(codes, vec![Code::ImportLeniency, Code::ImportInvalid]);
    }

    #[test]
    fn a_sheet_without_a_header_is_one_error() {
        let catalog = Catalog::builtin();
        let map = read(&catalog, &[grid(&[&["just", "text"]])], &options()).unwrap();
        assert_eq!(map.references(), 0);
        assert_eq!(map.diagnostics.len(), 1);
    }

    #[test]
    fn the_template_lists_every_item_under_its_top() {
        let catalog = Catalog::builtin();
        let rows = template(&catalog, "care-certificate-2015").unwrap();
        assert_eq!(rows[0].level, 0);
        assert!(rows.iter().all(|r| !r.top.is_empty()));
        assert!(rows.iter().any(|r| r.leaf && r.level > 0));
    }
}
