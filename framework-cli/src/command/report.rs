//! `competence report`: the designer's shareable report of a curriculum, as one web page or one
//! workbook: the summary, coverage per top-level item (a chart), the course map grid with
//! titles, the gaps (against a role, per requirement, when `--target` is given), hours per
//! top-level item and the sequencing findings.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use framework_core::coverage::{CoverageReport, coverage};
use framework_core::gaps::{GapReason, GapsReport, gaps};
use framework_core::matrix::{MatrixReport, matrix};
use framework_core::report::Report;
use framework_core::{Catalog, Code};

use crate::exit::ExitStatus;
use crate::html::{self, escape};
use crate::options::{Format, GlobalArgs};
use crate::output::{self, Fatal};
use crate::report::{Cell, Doc, Render, Table, Tone};
use crate::session::{CURRICULUM, TARGET, analyse_documents, status_of};

/// Arguments of `competence report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The curriculum: its id (see `competence list`) or the path of its file.
    #[arg(value_name = "CURRICULUM")]
    pub curriculum: String,

    /// The framework to report against (default: the curriculum's first framework).
    #[arg(long, value_name = "FRAMEWORK")]
    pub framework: Option<String>,

    /// Also report the gaps against a role (per requirement) or a framework, by id or path.
    #[arg(long, value_name = "ROLE_OR_FRAMEWORK")]
    pub target: Option<String>,

    /// Write it again each time one of its files changes (the curriculum's file, the
    /// `--catalog` files), until interrupted.
    #[arg(long)]
    pub watch: bool,
}

/// The three analyses the report shows.
struct Parts {
    curriculum_title: String,
    framework_title: String,
    coverage: Report<CoverageReport>,
    matrix: Report<MatrixReport>,
    gaps: Option<Report<GapsReport>>,
}

/// Runs `competence report`.
pub fn run(g: &GlobalArgs, args: &ReportArgs) -> ExitStatus {
    let Some(path) = g.output.clone() else {
        return output::fatal(
            g.format,
            &Fatal::new(
                Code::BadArguments,
                "the report is written to a file".to_owned(),
                Some(
                    "add `-o report.html` (a web page) or `-o report.xlsx` (a workbook)".to_owned(),
                ),
            ),
        );
    };
    let kind = match kind_of(g.format, &path) {
        Ok(kind) => kind,
        Err(e) => return output::fatal(g.format, &e),
    };
    if args.watch {
        let mut files = g.catalog.clone();
        if Path::new(&args.curriculum).is_file() {
            files.push(PathBuf::from(&args.curriculum));
        }
        if let Some(t) = args.target.as_deref().filter(|t| Path::new(t).is_file()) {
            files.push(PathBuf::from(t));
        }
        return crate::watch::run(&files, || write(g, args, kind, &path));
    }
    write(g, args, kind, &path)
}

/// The report's kind, from `--format` or else from the file's extension.
fn kind_of(format: Format, path: &Path) -> Result<Format, Fatal> {
    match format {
        Format::Html | Format::Xlsx => return Ok(format),
        Format::Human => {}
        other => {
            return Err(Fatal::new(
                Code::BadArguments,
                format!(
                    "`competence report` cannot write `--format {}`",
                    other.name()
                ),
                Some("use `--format html` or `--format xlsx`, or leave `--format` out".to_owned()),
            ));
        }
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => Ok(Format::Html),
        Some("xlsx") => Ok(Format::Xlsx),
        _ => Err(Fatal::new(
            Code::BadArguments,
            format!("cannot tell what to write to `{}`", path.display()),
            Some("name a `.html` or `.xlsx` file, or give `--format html|xlsx`".to_owned()),
        )),
    }
}

/// Loads, analyses and writes the report once.
fn write(g: &GlobalArgs, args: &ReportArgs, kind: Format, path: &Path) -> ExitStatus {
    let target = args.target.as_deref();
    let named = [
        (args.curriculum.as_str(), CURRICULUM),
        (
            target.unwrap_or(""),
            if target.is_some() { TARGET } else { &[] },
        ),
    ];
    let framework = args.framework.as_deref();
    let analysed = analyse_documents(g, named, |c: &Catalog, [curriculum, target]| {
        let coverage = coverage(c, curriculum, framework)?;
        let matrix = matrix(c, curriculum, framework)?;
        let gaps = match args.target {
            Some(_) => Some(gaps(c, target, curriculum, None)?),
            None => None,
        };
        let curriculum_title = c
            .curriculum(curriculum)
            .map(|x| x.info.title.clone())
            .unwrap_or_default();
        let framework_title = c
            .lookup_framework(coverage.framework.as_str())
            .map(|f| f.info.title.clone())
            .unwrap_or_default();
        Ok::<_, framework_core::AnalysisError>(Parts {
            curriculum_title,
            framework_title,
            coverage,
            matrix,
            gaps,
        })
    });
    let (catalog, parts) = match analysed {
        Ok(done) => done,
        Err(status) => return status,
    };
    let diagnostics = &parts.coverage.diagnostics;
    output::print_diagnostics(diagnostics);
    let bytes = match kind {
        Format::Xlsx => match workbook(&parts) {
            Ok(bytes) => bytes,
            Err(e) => return output::fatal(g.format, &e),
        },
        _ => page(&parts).into_bytes(),
    };
    match output::write_file(g, path, &bytes) {
        ExitStatus::Success => status_of(catalog),
        failed => failed,
    }
}

/// Coverage of one top-level item: its leaves covered, partial and uncovered (optional ones
/// left out).
struct TopShare<'r> {
    id: String,
    title: &'r str,
    covered: usize,
    partial: usize,
    uncovered: usize,
}

/// Coverage per top-level item, in framework order, from the items (each top-level item is
/// followed by the items under it).
fn per_top(r: &CoverageReport) -> Vec<TopShare<'_>> {
    let mut out: Vec<TopShare<'_>> = Vec::new();
    for i in &r.items {
        if i.level == 0 {
            out.push(TopShare {
                id: i.item.item_id().map_or("*", |x| x.as_str()).to_owned(),
                title: &i.title,
                covered: 0,
                partial: 0,
                uncovered: 0,
            });
        }
        if !i.leaf || i.optional {
            continue;
        }
        if let Some(top) = out.last_mut() {
            match (i.covered, i.partial) {
                (true, _) => top.covered += 1,
                (false, true) => top.partial += 1,
                (false, false) => top.uncovered += 1,
            }
        }
    }
    out
}

/// Coverage per top-level item as a table: covered, partial and uncovered leaves.
fn tops_table(tops: &[TopShare<'_>]) -> Table {
    let mut t = Table::new(&["ITEM", "TITLE", "#COVERED", "#PARTIAL", "#UNCOVERED"]);
    for s in tops {
        t.row(vec![
            s.id.clone().into(),
            s.title.to_owned().into(),
            count(s.covered, Tone::Good),
            count(s.partial, Tone::Warn),
            count(s.uncovered, Tone::Bad),
        ]);
    }
    t
}

/// A count, in its colour when it is not zero.
fn count(n: usize, tone: Tone) -> Cell {
    if n == 0 {
        Cell::new("0")
    } else {
        Cell::toned(n.to_string(), tone)
    }
}

/// The report as one page.
fn page(p: &Parts) -> String {
    let cov = &p.coverage.body;
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>{}</h1>\n<p class=\"meta\">Curriculum <code>{}</code> against <b>{}</b> (<code>{}</code>)</p>",
        escape(&p.curriculum_title),
        escape(cov.curriculum.as_str()),
        escape(&p.framework_title),
        escape(cov.framework.as_str()),
    );
    // Summary cards.
    let hours: f64 = cov.hours.iter().map(|h| h.hours).sum::<f64>() + cov.unassigned_hours;
    let mut cards = vec![
        (
            format!("{:.0}%", cov.ratio * 100.0),
            format!("of {} leaves covered", cov.leaves),
        ),
        (cov.covered.to_string(), "covered".to_owned()),
        (cov.partial.to_string(), "partial".to_owned()),
        (cov.uncovered.len().to_string(), "uncovered".to_owned()),
        (
            p.matrix.body.columns.len().to_string(),
            "sessions and assessments".to_owned(),
        ),
    ];
    if hours > 0.0 {
        cards.push((format!("{hours:.1}"), "hours".to_owned()));
    }
    if let Some(g) = &p.gaps {
        cards.push((
            g.body.gaps.len().to_string(),
            format!("gaps against `{}`", g.body.target),
        ));
    }
    cards.push((
        cov.sequencing.len().to_string(),
        "sequencing findings".to_owned(),
    ));
    b.push_str("<section><h2>Summary</h2>\n<div class=\"cards\">");
    for (value, label) in &cards {
        let _ = write!(
            b,
            "<div class=\"card\"><b>{}</b>{}</div>",
            escape(value),
            escape(label)
        );
    }
    b.push_str("</div></section>\n");

    // Coverage per top-level item, as a chart and as a table.
    let tops = per_top(cov);
    b.push_str("<section><h2>Coverage per top-level item</h2>\n");
    b.push_str(&chart(&tops));
    html::table(&tops_table(&tops), "", &mut b);
    b.push_str("</section>\n");

    // The course map grid.
    b.push_str("<section><h2>Course map</h2>\n<p class=\"key\">Each cell is the depth a session or assessment reaches: <span class=\"d1\">I</span>introduced <span class=\"d2\">P</span>practised <span class=\"d3\">A</span>assessed. Columns in teaching order; leaves grouped under their top-level item.</p>\n");
    crate::command::matrix::grid_html(&p.matrix.body, &mut b);
    let mut key = Table::new(&["COLUMN", "KIND", "TITLE", "#DAY", "#WEEK", "#LEAVES"]);
    for c in &p.matrix.body.columns {
        key.row(vec![
            c.id.clone().into(),
            c.kind.to_string().into(),
            c.title.clone().into(),
            c.day.map(|d| d.to_string()).unwrap_or_default().into(),
            c.week.map(|w| w.to_string()).unwrap_or_default().into(),
            c.total.to_string().into(),
        ]);
    }
    b.push_str("<h3>Sessions and assessments</h3>\n");
    html::table(&key, "", &mut b);
    b.push_str("</section>\n");

    // Gaps.
    b.push_str("<section><h2>Gaps</h2>\n");
    match &p.gaps {
        Some(g) => gaps_html(&g.body, &mut b),
        None => uncovered_html(cov, &mut b),
    }
    b.push_str("</section>\n");

    // Hours.
    if hours > 0.0 {
        b.push_str("<section><h2>Hours per top-level item</h2>\n");
        let mut t = Table::new(&["ITEM", "TITLE", "#HOURS", "SHARE"]);
        for h in &cov.hours {
            t.row(vec![
                h.item.item_id().map_or("*", |x| x.as_str()).into(),
                h.title.clone().into(),
                format!("{:.1}", h.hours).into(),
                format!("{:.0}%", h.hours / hours * 100.0).into(),
            ]);
        }
        if cov.unassigned_hours > 0.0 {
            t.row(vec![
                Cell::toned("-", Tone::Dim),
                Cell::toned("sessions that touch no item", Tone::Dim),
                format!("{:.1}", cov.unassigned_hours).into(),
                format!("{:.0}%", cov.unassigned_hours / hours * 100.0).into(),
            ]);
        }
        html::table(&t, "", &mut b);
        b.push_str("<p class=\"meta\">A session's hours are shared equally among the top-level items it covers.</p></section>\n");
    }

    // Sequencing.
    b.push_str("<section><h2>Sequencing findings</h2>\n");
    if cov.sequencing.is_empty() {
        b.push_str("<p>None: nothing is assessed before it is taught, and nothing is met before what it requires.</p>\n");
    } else {
        let mut t = Table::new(&["REF", "FINDING"]);
        for s in &cov.sequencing {
            t.row(vec![
                s.item.to_string().into(),
                Cell::toned(s.message.clone(), Tone::Warn),
            ]);
        }
        let whole = format!(
            "competence coverage {} --framework {} --format md",
            cov.curriculum, cov.framework
        );
        html::table_capped(&mut t, &whole, &mut b);
    }
    b.push_str("</section>\n");

    let diagnostics = &p.coverage.diagnostics;
    if !diagnostics.is_empty() {
        b.push_str("<section><h2>Problems found in the documents</h2>\n");
        html::table(&crate::report::diagnostics_table(diagnostics), "", &mut b);
        b.push_str("</section>\n");
    }
    html::page(&format!("Course map report: {}", p.curriculum_title), &b)
}

/// Coverage per top-level item as a horizontal stacked bar chart (SVG): covered, partial and
/// uncovered leaves, each bar labelled with its item and counts.
fn chart(tops: &[TopShare<'_>]) -> String {
    const WIDTH: f64 = 900.0;
    const LABEL: f64 = 320.0;
    const BAR: f64 = 22.0;
    const GAP: f64 = 8.0;
    let most = tops
        .iter()
        .map(|s| s.covered + s.partial + s.uncovered)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = (BAR + GAP) * tops.len() as f64 + 30.0;
    let scale = (WIDTH - LABEL - 80.0) / most;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"chart-title\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"chart-title\">Leaves covered, partial and uncovered per top-level item</title>\n"
    );
    for (n, t) in tops.iter().enumerate() {
        let y = n as f64 * (BAR + GAP);
        let label: String = {
            let full = format!("{} {}", t.id, t.title);
            if full.chars().count() > 44 {
                let mut l: String = full.chars().take(43).collect();
                l.push('…');
                l
            } else {
                full
            }
        };
        let _ = write!(
            s,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1f2933\">{}</text>",
            LABEL - 8.0,
            y + BAR * 0.7,
            escape(&label)
        );
        let mut x = LABEL;
        for (count, colour, what) in [
            (t.covered, "#548235", "covered"),
            (t.partial, "#ffc000", "partial"),
            (t.uncovered, "#c00000", "uncovered"),
        ] {
            if count == 0 {
                continue;
            }
            let w = count as f64 * scale;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"{colour}\"><title>{} {what}</title></rect>",
                count
            );
            x += w;
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#616e7c\">{}/{}</text>",
            x + 6.0,
            y + BAR * 0.7,
            t.covered,
            t.covered + t.partial + t.uncovered
        );
    }
    let y = tops.len() as f64 * (BAR + GAP) + 14.0;
    let _ = write!(
        s,
        "<g font-size=\"12\" fill=\"#1f2933\"><rect x=\"{LABEL}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#548235\"/><text x=\"{:.1}\" y=\"{:.1}\">covered</text><rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#ffc000\"/><text x=\"{:.1}\" y=\"{:.1}\">partial</text><rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"#c00000\"/><text x=\"{:.1}\" y=\"{:.1}\">uncovered</text></g>\n</svg>\n",
        y - 10.0,
        LABEL + 16.0,
        y,
        LABEL + 90.0,
        y - 10.0,
        LABEL + 106.0,
        y,
        LABEL + 170.0,
        y - 10.0,
        LABEL + 186.0,
        y
    );
    s
}

/// The gaps against a target: for a role, a table per requirement (with how much of it is
/// missing); for a framework, one table grouped by top-level item.
fn gaps_html(g: &GapsReport, b: &mut String) {
    let _ = writeln!(
        b,
        "<p>{} of the {} leaves {} <code>{}</code> asks for are not covered.</p>",
        g.gaps.len(),
        g.leaves,
        g.target_kind,
        escape(&g.target)
    );
    let gap_table = |gaps: &mut dyn Iterator<Item = &framework_core::gaps::Gap>| {
        let mut t = Table::new(&["REF", "TITLE", "REASON", "FILLED BY"]);
        let mut group = None;
        for x in gaps {
            if x.top != x.item && group != Some(x.top.clone()) {
                t.row(vec![
                    Cell::toned(x.top.to_string(), Tone::Strong),
                    Cell::toned(x.top_title.clone(), Tone::Strong),
                    Cell::new(""),
                    Cell::new(""),
                ]);
            }
            group = Some(x.top.clone());
            let tone = match x.reason_code {
                GapReason::OnlyPartial | GapReason::BelowDepth => Tone::Warn,
                _ => Tone::Bad,
            };
            t.row(vec![
                x.item.to_string().into(),
                x.title.clone().into(),
                Cell::toned(x.reason.clone(), tone),
                x.filled_by.join(" ").into(),
            ]);
        }
        t
    };
    let whole = format!(
        "competence gaps --target {} --from {} --format csv",
        g.target, g.source
    );
    if g.by_requirement.is_empty() {
        if !g.gaps.is_empty() {
            html::table_capped(&mut gap_table(&mut g.gaps.iter()), &whole, b);
        }
        return;
    }
    let mut summary = Table::new(&["REQUIREMENT", "TITLE", "#MISSING", "#LEAVES"]);
    for q in &g.by_requirement {
        summary.row(vec![
            q.id.clone().into(),
            q.title.clone().unwrap_or_default().into(),
            Cell::toned(
                q.missing.to_string(),
                if q.missing == 0 {
                    Tone::Good
                } else {
                    Tone::Bad
                },
            ),
            q.leaves.to_string().into(),
        ]);
    }
    html::table(&summary, "", b);
    for q in &g.by_requirement {
        let _ = writeln!(
            b,
            "<h3>{}{}: {} of {} missing</h3>",
            escape(&q.id),
            q.title
                .as_deref()
                .map(|t| format!(" ({})", escape(t)))
                .unwrap_or_default(),
            q.missing,
            q.leaves
        );
        if q.missing > 0 {
            let mut own = g.gaps.iter().filter(|x| x.requirements.contains(&q.id));
            html::table_capped(&mut gap_table(&mut own), &whole, b);
        }
    }
}

/// Without a target: the framework's leaves the curriculum leaves uncovered.
fn uncovered_html(cov: &CoverageReport, b: &mut String) {
    if cov.uncovered.is_empty() {
        b.push_str("<p>Every leaf of the framework is covered.</p>\n");
        return;
    }
    let _ = writeln!(
        b,
        "<p>{} of the framework's {} leaves are neither covered nor partial. Give <code>--target ROLE</code> to see the gaps against a role's requirements.</p>",
        cov.uncovered.len(),
        cov.leaves
    );
    let mut t = Table::new(&["REF", "TITLE"]);
    for i in cov
        .items
        .iter()
        .filter(|i| i.leaf && !i.optional && !i.covered && !i.partial)
    {
        t.row(vec![i.item.to_string().into(), i.title.clone().into()]);
    }
    let whole = format!(
        "competence coverage {} --framework {} --format csv",
        cov.curriculum, cov.framework
    );
    html::table_capped(&mut t, &whole, b);
}

/// The report as one workbook: a summary sheet (the counts, coverage per top-level item, the
/// gaps per requirement, hours and sequencing), then the coverage, the course map and the gaps
/// as sheets, and the diagnostics.
fn workbook(p: &Parts) -> Result<Vec<u8>, Fatal> {
    let cov = &p.coverage.body;
    let mut summary = Doc::default();
    summary.heading(format!("Course map report: {}", p.curriculum_title));
    summary.text(format!(
        "Curriculum `{}` against {} (`{}`)",
        cov.curriculum, p.framework_title, cov.framework
    ));
    summary.text(format!(
        "{} of {} leaves covered ({:.1}%), {} partial, {} uncovered",
        cov.covered,
        cov.leaves,
        cov.ratio * 100.0,
        cov.partial,
        cov.uncovered.len()
    ));
    summary.heading("Coverage per top-level item");
    summary.table(tops_table(&per_top(cov)));
    if let Some(g) = &p.gaps {
        for block in g.body.summary(&g.diagnostics).0 {
            summary.0.push(block);
        }
    }
    // Hours and sequencing, as `coverage` shows them.
    for block in cov.summary(&[]).0.into_iter().skip(2) {
        summary.0.push(block);
    }
    let mut book = crate::xlsx::Book::new();
    let fail = crate::xlsx::failed;
    book.summary("summary", &summary).map_err(fail)?;
    book.table(cov.sheet(&[])).map_err(fail)?;
    book.table(p.matrix.body.sheet(&[])).map_err(fail)?;
    if let Some(g) = &p.gaps {
        book.table(g.body.sheet(&[])).map_err(fail)?;
    }
    book.diagnostics(&p.coverage.diagnostics).map_err(fail)?;
    book.finish().map_err(fail)
}
