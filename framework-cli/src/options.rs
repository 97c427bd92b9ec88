//! The options every command takes (`--catalog`, `--no-builtin`, `--max-file-size`,
//! `--format`), before or after the subcommand.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Options every command accepts, before or after the subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Add the documents in a file, or in every *.yaml, *.yml and *.json file under a folder
    /// (repeatable). A document with the same kind and id as a shipped one replaces it.
    #[arg(long, value_name = "PATH", global = true)]
    pub catalog: Vec<PathBuf>,

    /// Leave the shipped documents out of the catalog.
    #[arg(long, global = true)]
    pub no_builtin: bool,

    /// Read every file afresh: do not use (or fill) the cache of read files, which keeps each
    /// file's checked document (or parsed tree) in the user's cache folder ($COMPETENCE_CACHE_DIR, else
    /// $XDG_CACHE_HOME/competence-engine, else ~/.cache/competence-engine) and serves it while
    /// the file is unchanged.
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// The largest file to read, in bytes; larger files are reported, not read (at most and by
    /// default 67108864, 64 MiB).
    #[arg(long, value_name = "BYTES", global = true, default_value_t = framework_core::MAX_FILE_BYTES as u64,
          value_parser = clap::value_parser!(u64).range(1..=framework_core::MAX_FILE_BYTES as u64))]
    pub max_file_size: u64,

    /// Output format: `human` (tables and trees; diagnostics on stderr), `json` (one JSON
    /// document on stdout, diagnostics inside it), `jsonl` (one JSON object per line: each row
    /// of the report's main list, then one line with the rest), `csv` (the main table, for
    /// spreadsheets), `md` (Markdown, for reports), `parquet` (the main table with typed
    /// columns), `xlsx` (a workbook: a summary sheet, the main table with titles, groups,
    /// colours, filters and a frozen header) or `html` (one self-contained page); the last three
    /// with `-o FILE`; `yaml` (for `diff`: the edition mapping it inferred, to review).
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,

    /// Write the output to this file instead of stdout (whole or not at all; needed for
    /// `parquet`, `xlsx` and `html`). For `import`, a folder when several documents result.
    #[arg(short, long, value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,
}

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: tables and trees on stdout, diagnostics with source snippets on stderr.
    Human,
    /// For programs: one JSON document on stdout (SPEC §3).
    Json,
    /// For programs reading a stream: one JSON object per line (SPEC §4): each row of the
    /// report's main list (for `learners`, one learner), then one line with the rest of the
    /// report (`summary`, `diagnostics`, ...).
    Jsonl,
    /// For spreadsheets: the main table as CSV on stdout; diagnostics on stderr.
    Csv,
    /// For reports: Markdown on stdout; diagnostics on stderr.
    Md,
    /// For data tools (pandas, polars, DuckDB, Spark): the main table as Parquet, with typed
    /// columns, written with `-o FILE`.
    Parquet,
    /// For people sharing a workbook: a summary sheet and the main table (titles, grouped by
    /// top-level item, depths and statuses in colour, filters, frozen header), with `-o FILE`.
    Xlsx,
    /// For people sharing a page: the report as one self-contained HTML file (no request leaves
    /// it), with `-o FILE`.
    Html,
    /// A document to review and keep (`diff`: the edition mapping it inferred).
    Yaml,
}

impl Format {
    /// Whether the format is made whole and written to a file (`-o FILE`), never to stdout.
    pub fn needs_file(self) -> bool {
        matches!(self, Format::Parquet | Format::Xlsx | Format::Html)
    }

    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Parquet => "parquet",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
            Format::Yaml => "yaml",
        }
    }
}
