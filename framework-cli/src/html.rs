//! Web pages (`--format html`, `competence report -o FILE.html`): one self-contained file, its
//! styles inline and its charts drawn in SVG, with no script and a content security policy that
//! lets no request leave it, so it works offline, from an e-mail, and on paper.

use std::fmt::Write as _;

use crate::report::{Block, Doc, Table, Tone};

pub use framework_core::safe::html as escape;

/// The styles every page carries: readable on a phone (wide tables scroll inside their box),
/// on a desktop, and printed (tables whole, no colours lost).
const STYLE: &str = r#"
:root { --ink: #1f2933; --muted: #616e7c; --rule: #d9e2ec; --head: #d9e1f2;
  --good: #c6efce; --good-ink: #006100; --warn: #ffeb9c; --warn-ink: #7a4500;
  --bad: #ffc7ce; --bad-ink: #9c0006; --d1: #e2f0d9; --d2: #a9d18e; --d3: #548235; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.4rem; }
p { margin: 0.4rem 0; max-width: 70ch; }
.meta { color: var(--muted); font-size: 0.9rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border: 1px solid var(--rule); padding: 0.2rem 0.45rem; text-align: left;
  vertical-align: top; }
th { background: var(--head); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.good { background: var(--good); color: var(--good-ink); }
.warn { background: var(--warn); color: var(--warn-ink); }
.bad { background: var(--bad); color: var(--bad-ink); }
.dim { color: var(--muted); }
.strong, tr.group td { font-weight: 600; background: #f2f2f2; }
.d1 { background: var(--d1); } .d2 { background: var(--d2); }
.d3 { background: var(--d3); color: #fff; }
.grid td.cell { text-align: center; min-width: 1.6rem; font-weight: 600; }
.grid th.session { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  font-weight: 500; max-height: 12rem; }
.cards { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0.75rem 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 0.5rem 0.8rem;
  min-width: 9rem; }
.card b { display: block; font-size: 1.4rem; }
.chart { width: 100%; max-width: 900px; height: auto; }
.key span { display: inline-block; padding: 0 0.4rem; margin-right: 0.3rem; border-radius: 3px; }
footer { color: var(--muted); font-size: 0.8rem; padding: 1rem; text-align: center; }
@media (max-width: 600px) { main { padding: 0.5rem; } h1 { font-size: 1.25rem; } }
@media print {
  body { font-size: 10pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  th { position: static; }
}
"#;

/// A page: its title and body, inside the shell every page shares.
pub fn page(title: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + STYLE.len() + 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"competence {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        env!("CARGO_PKG_VERSION"),
        escape(title)
    );
    out.push_str(body);
    let _ = write!(
        out,
        "</main>\n<footer>Made with the Competence Framework Engine {}.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// The CSS class of a tone.
pub fn class(tone: Tone) -> &'static str {
    match tone {
        Tone::Plain => "",
        Tone::Good => "good",
        Tone::Warn => "warn",
        Tone::Bad => "bad",
        Tone::Dim => "dim",
        Tone::Strong => "strong",
        Tone::Depth(1) => "d1",
        Tone::Depth(2) => "d2",
        Tone::Depth(_) => "d3",
    }
}

/// The most rows a page's table shows; the rest are counted, with where to find them.
pub const MAX_PAGE_ROWS: usize = 2_000;

/// A table as HTML with at most [`MAX_PAGE_ROWS`] rows; when there are more, a line after it
/// counts the rest and names the command (`whole`) that lists them all.
pub fn table_capped(t: &mut Table, whole: &str, out: &mut String) {
    let more = t.rows.len().saturating_sub(MAX_PAGE_ROWS);
    t.rows.truncate(MAX_PAGE_ROWS);
    table(t, "", out);
    if more > 0 {
        let _ = writeln!(
            out,
            "<p class=\"meta\">… and {more} more rows, left out of this page; all of them: <code>{}</code></p>",
            escape(whole)
        );
    }
}

/// A table as HTML, in a box that scrolls sideways on a narrow screen. A row whose first cell
/// is `Strong` is a group's row.
pub fn table(t: &Table, extra_class: &str, out: &mut String) {
    let _ = write!(
        out,
        "<div class=\"scroll\"><table class=\"{extra_class}\">\n<thead><tr>"
    );
    for (h, &num) in t.headers.iter().zip(&t.numeric) {
        let c = if num { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{c}>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        let group = row.first().is_some_and(|c| c.tone == Tone::Strong);
        out.push_str(if group {
            "<tr class=\"group\">"
        } else {
            "<tr>"
        });
        for (n, cell) in row.iter().enumerate() {
            let num = t.numeric.get(n).copied().unwrap_or(false);
            let classes: Vec<&str> = [class(cell.tone), if num { "num" } else { "" }]
                .into_iter()
                .filter(|c| !c.is_empty())
                .collect();
            if classes.is_empty() {
                let _ = write!(out, "<td>{}</td>", escape(&cell.text));
            } else {
                let _ = write!(
                    out,
                    "<td class=\"{}\">{}</td>",
                    classes.join(" "),
                    escape(&cell.text)
                );
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// A document as a page's body: its first heading the page's title.
pub fn body(doc: &Doc) -> String {
    let mut out = String::new();
    for (n, block) in doc.0.iter().enumerate() {
        match block {
            Block::Heading(h) if n == 0 => {
                let _ = writeln!(out, "<h1>{}</h1>", escape(h));
            }
            Block::Heading(h) => {
                let _ = writeln!(out, "<h2>{}</h2>", escape(h));
            }
            Block::Text(t) => {
                let _ = writeln!(out, "<p>{}</p>", escape(t));
            }
            Block::Raw(r) => {
                let _ = writeln!(out, "<pre>{}</pre>", escape(r));
            }
            Block::Table(t) => table(t, "", &mut out),
        }
    }
    out
}

/// The first heading of a document, for the page's title.
pub fn title_of(doc: &Doc) -> String {
    doc.0
        .iter()
        .find_map(|b| match b {
            Block::Heading(h) => Some(h.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "Competence report".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Cell;

    #[test]
    fn text_cannot_open_markup() {
        let mut t = Table::new(&["A"]);
        t.row(vec![Cell::new("<script>alert('x')</script> & \"q\"")]);
        let mut out = String::new();
        table(&t, "", &mut out);
        assert!(
            out.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        );
        assert!(!out.contains("<script"));
    }

    #[test]
    fn a_page_lets_no_request_leave_it() {
        let p = page("T <1>", "<p>x</p>");
        assert!(p.contains("default-src 'none'"));
        assert!(p.contains("<title>T &lt;1&gt;</title>"));
        assert!(!p.contains("http://") && !p.contains("https://"));
    }
}
