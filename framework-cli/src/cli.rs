//! The command line: the subcommands, each with its arguments, and the options every one takes
//! (doc comments are the help text).

use clap::{Parser, Subcommand};

use crate::command::{
    coverage::CoverageArgs,
    crosswalk::CrosswalkArgs,
    diff::DiffArgs,
    gaps::GapsArgs,
    interop::{ExportArgs, ImportArgs},
    learners::LearnersArgs,
    list::ListArgs,
    matrix::MatrixArgs,
    migrate::MigrateArgs,
    report::ReportArgs,
    serve::ServeArgs,
    sheet::TemplateArgs,
    show::ShowArgs,
    starter::{InitArgs, SchemaArgs},
    validate::ValidateArgs,
};
use crate::options::GlobalArgs;

/// Check curricula and learners against competence frameworks.
///
/// The shipped catalog (the UK peer-support frameworks) is built in, so every command works from
/// any folder. Add your own documents with `--catalog PATH`.
#[derive(Debug, Parser)]
#[command(
    name = "competence",
    version,
    propagate_version = true,
    after_long_help = "Examples:\n  competence list\n  competence show care-certificate-2015 --depth 2\n  competence validate my-course.yaml\n  competence --catalog my-docs/ validate --format json\n\nFrom a spreadsheet to a page to share:\n  competence template hee-psw-2020 -o grid.xlsx\n  competence import sheet grid.xlsx --id my-course -o my-course.yaml\n  competence report my-course.yaml --target cpft-peer-support-worker -o report.html\n\nExit status: 0 success, 1 problems found, 2 could not run."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check documents: syntax, fields, ids, references and cycles. Every problem is reported.
    ///
    /// With PATHS, those files and folders are checked together with the catalog (so they can
    /// refer to shipped frameworks); without, the catalog itself is checked.
    /// Exits 1 when any error is found (warnings alone do not fail).
    #[command(
        after_long_help = "Examples:\n  competence validate my-course.yaml\n  competence validate curricula/ mappings/\n  competence validate --format json my-course.yaml | jq '.diagnostics[]'\n  competence validate            # the shipped catalog"
    )]
    Validate(ValidateArgs),

    /// List the catalog's documents: kind, id, title, items, leaves and completeness.
    ///
    /// Items: a framework's items, a curriculum's sessions and assessments, a mapping's links,
    /// a role's requirements. Leaves: a framework's leaves that count (optional ones left out);
    /// for other kinds, the distinct framework leaves the document names.
    #[command(
        after_long_help = "Examples:\n  competence list\n  competence --catalog my-docs/ list --format json"
    )]
    List(ListArgs),

    /// Show a framework as a tree of items.
    #[command(
        after_long_help = "Examples:\n  competence show care-certificate-2015\n  competence show care-certificate-2015 --depth 1\n  competence show care-certificate-2015 --format json"
    )]
    Show(ShowArgs),

    /// How a curriculum covers a framework: every leaf's sessions, depth and route.
    ///
    /// A leaf is covered `direct` (a session names it), through a `parent` (a session names an
    /// item above it), or through a `mapping` chain from another framework the curriculum covers
    /// (`exact`, `close` and `narrow` links cover; a `broad` link only gives `partial`). Items
    /// above the leaves show covered/total leaves. Also: the curriculum's hours per top-level
    /// item, and sequencing findings (an item assessed before it is taught; an item met before
    /// what it requires).
    #[command(
        after_long_help = "Examples:\n  competence coverage cnwl-developing-expertise-peer-working\n  competence coverage my-course --framework care-certificate-2015 --catalog my-course.yaml\n  competence coverage my-course --min-coverage 80 --format json"
    )]
    Coverage(CoverageArgs),

    /// What a target (a framework, or a role's requirements) lacks from a source (a curriculum,
    /// or a framework through the catalog's mappings).
    ///
    /// Each gap is a target leaf with its reason (never mentioned; only a `related` link; only
    /// partial, through a `broad` link; with `--require-depth`, covered too shallowly) and the
    /// sessions of the catalog's other curricula that would fill it, as CURRICULUM:SESSION.
    #[command(
        after_long_help = "Examples:\n  competence gaps --target hee-psw-2020 --from cpft-peer-education-programme\n  competence gaps --target cpft-peer-support-worker --from cnwl-developing-expertise-peer-working --require-depth assessed\n  competence gaps --target hee-psw-2020 --from care-certificate-2015 --fail-on-gaps --format csv"
    )]
    Gaps(GapsArgs),

    /// How each item of one framework reaches another: directly, or composed through
    /// intermediate frameworks.
    ///
    /// Mappings are read in both directions (backwards, `narrow` and `broad` swap); along a path
    /// the weakest relation decides, and a path that goes narrower then broader composes to
    /// `related`. Also: the leaves with no counterpart on either side, and the items that map one
    /// to many or many to one.
    #[command(
        after_long_help = "Examples:\n  competence crosswalk care-certificate-2015 hee-psw-2020\n  competence crosswalk srn-peer-values imroc-peer-principles --format md"
    )]
    Crosswalk(CrosswalkArgs),

    /// Two editions of a framework compared: every item added, removed, renamed (same item, new
    /// title), reworded (new statement), moved (new parent), split, merged or unchanged.
    ///
    /// Which new item succeeds which old one is decided by the strongest evidence: the new
    /// item's `replaces`; an exact or close link of a mapping between the editions (narrow and
    /// broad links make splits and merges); the same id; then, for items nothing else pairs,
    /// titles (and statements) at least 80% alike, as a guess with its confidence. Each change
    /// says which evidence decided it. `--format yaml` writes the edition mapping the changes
    /// imply, for a person to review (guesses carry `justification: lexical` and their
    /// confidence).
    #[command(
        after_long_help = "Examples:\n  competence diff care-certificate-2015 care-certificate-2025\n  competence diff care-certificate-2015 care-certificate-2025 --format csv > changes.csv\n  competence diff old.yaml new.yaml --format json | jq '.summary'\n  competence diff care-certificate-2015 care-certificate-2025 --format yaml -o cc-2015--2025.yaml"
    )]
    Diff(DiffArgs),

    /// Move a curriculum or a role to a new edition of its framework: every reference to the
    /// old edition re-pointed through the changes `diff` finds, each reported (moved, split into
    /// several, merged, or with no successor: left as it was and flagged). `--evidence` re-points
    /// a cohort's evidence CSV the same way (a split item's row once per new item). The
    /// document goes to stdout or `-o FILE`, the report to stderr (or, with `--format json`,
    /// stdout). Exits 1 when a reference has no successor.
    #[command(
        after_long_help = "Examples:\n  competence migrate cpft-peer-support-worker --to care-certificate-2025 -o role-2025.yaml\n  competence migrate my-course.yaml --to care-certificate-2025 -o my-course-2025.yaml\n  competence migrate cpft-peer-support-worker --to care-certificate-2025 --evidence evidence.csv --evidence-out evidence-2025.csv -o role-2025.yaml"
    )]
    Migrate(MigrateArgs),

    /// A read-only HTTP service over the catalog, for systems that cannot link the library:
    /// the CASE 1.1 REST endpoints (GET /ims/case/v1p1/CFDocuments, /CFPackages/{id},
    /// /CFItems/{id}, /CFAssociations/{id}), the analyses as the JSON `--format json` writes
    /// (GET /api/v1/documents, /api/v1/coverage/{curriculum}?framework=F,
    /// /api/v1/gaps?target=T&from=S; POST /api/v1/learners with {"role", "as_of", "learners",
    /// "evidence"}, records as CSV text or lists of row objects), and GET /health.
    ///
    /// It never writes, binds to 127.0.0.1 unless told otherwise, limits request bodies and
    /// times, answers errors with the JSON error document (404 unknown document, 400 bad input)
    /// and logs one JSON line per request to stderr, without bodies or query strings.
    #[command(after_long_help = "Examples:
  competence serve
  competence serve --port 0 --catalog my-docs/
  curl -s localhost:8080/api/v1/coverage/cpft-peer-education-programme
  curl -s 'localhost:8080/api/v1/gaps?target=cpft-peer-support-worker&from=cpft-peer-education-programme'
  curl -s localhost:8080/ims/case/v1p1/CFDocuments
  curl -s -X POST localhost:8080/api/v1/learners -d '{\"role\": \"cpft-peer-support-worker\", \"as_of\": \"2025-09-01\", \"learners\": [{\"learner\": \"L1\", \"role\": \"cpft-peer-support-worker\", \"start_date\": \"2025-01-06\"}], \"evidence\": []}'")]
    Serve(ServeArgs),

    /// The course map matrix: the framework's leaves by the curriculum's sessions and assessments
    /// (in teaching order), each cell the depth (I, P, A), with totals per row and column.
    #[command(
        after_long_help = "Examples:\n  competence matrix cnwl-developing-expertise-peer-working\n  competence matrix cnwl-developing-expertise-peer-working --format csv > map.csv"
    )]
    Matrix(MatrixArgs),

    /// Learners' progress against a role's requirements, from an LMS's records.
    ///
    /// Per learner and requirement: the status (`met`, `in-progress`, `overdue`, `exempt`,
    /// `expired`: met but for evidence older than the requirement's `valid_for`), the due date
    /// (start date plus the requirement's `within`), the share done and the missing leaves; and
    /// a cohort summary. `learners.csv`: learner, role, start_date[, qualifications as
    /// name@YYYY-MM-DD joined by `;`]. `evidence.csv`: learner, ref, status (met, not-met,
    /// exempt, in any case), date; the latest row per learner and leaf wins. An LMS's own
    /// export is read with `--columns`, `--status-alias` and `--date-format`; xAPI statements
    /// with `--xapi` and `--activity-map`. Rows that cannot be used are reported by file, line
    /// and field (never their contents) and left out; the rest is analysed.
    #[command(
        after_long_help = "Examples:\n  competence learners --role cpft-peer-support-worker --learners examples/cohort/learners.csv --evidence examples/cohort/evidence.csv --as-of 2025-09-01\n  competence learners --role cpft-peer-support-worker --learners l.csv --evidence e.csv --learner L004 --format json\n  competence learners --role cpft-peer-support-worker --learners l.csv --evidence e.csv --fail-on-overdue --format csv\n  competence learners --role cpft-peer-support-worker --learners examples/lms/users.csv --evidence examples/lms/completions.csv --columns 'learner=UserID,role=Job Role,start_date=Start Date,ref=Competency,status=Result,date=Completed On' --status-alias passed=met,completed=met --date-format '%d/%m/%Y'\n  competence learners --role cpft-peer-support-worker --learners examples/lms/learners.csv --xapi examples/lms/statements.json --activity-map examples/lms/activities.csv"
    )]
    Learners(LearnersArgs),

    /// Import frameworks and mappings from other systems (CASE packages, Moodle competency CSVs,
    /// OpenSALT CSVs, ESCO skills CSVs, DIRECT-style linked CSVs, CTDL JSON-LD, SSSOM mapping
    /// sets) as documents, or a course map from a spreadsheet as a curriculum (YAML).
    ///
    /// A file of another format than the one named is recognised and named ("looks like an ESCO
    /// skills CSV; use `competence import esco`"), never misread. ESCO and DIRECT files given
    /// together make one framework; CTDL alignment maps and SSSOM sets make mappings between the
    /// catalog's frameworks (CTDL: a framework the catalog lacks is made from the nodes the map
    /// names, and `NoMatch` rows are the mapping's `no_match`).
    ///
    /// `sheet`: a workbook (.xlsx) or CSV, either a grid (rows are framework items,
    /// by id in a `Ref` column or exact title in a `Title` column; columns are sessions, a
    /// column named `Assessment...` an assessment; cells I, P, A or introduced, practised,
    /// assessed, blank for not covered; an `Hours` row) or a long table (columns session, ref,
    /// depth). `competence template` writes a grid to fill in. Each cell that cannot be read is
    /// reported at its sheet, row and column, and the curriculum made is checked as `validate`
    /// would.
    ///
    /// Lenient: what real files get wrong (nulls, numbers as text, timestamps without a zone,
    /// upper-case identifiers, fields the format does not define) is read anyway, each with a
    /// warning at its line and column; what has no place in a framework document is kept in
    /// `extensions`, so an export gives it back. CASE items are nested by `isChildOf` and ordered
    /// by `sequenceNumber`, then by human coding scheme (L1.2 before L1.10), then package order.
    /// Several CASE packages imported together: their cross-associations (exactMatchOf,
    /// isRelatedTo, isPartOf) become mappings. The documents made are checked as `validate`
    /// would. Exits 1 when part of the input could not be imported.
    #[command(
        after_long_help = "Examples:\n  competence import sheet course-map.xlsx --id my-course -o my-course.yaml\n  competence import sheet sessions.csv --framework hee-psw-2020\n  competence import case package.json -o frameworks/my-framework.yaml\n  competence import case a.json b.json -o imported/\n  competence import moodle competencies.csv --id my-framework\n  competence import esco skillsHierarchy_en.csv transversalSkillsCollection_en.csv -o esco.yaml\n  competence import direct competency_domain.csv competency.csv skill.csv skill_level.csv -o direct.yaml\n  competence import opensalt-csv sample_case.csv\n  competence import ctdl alignment-map.json -o imported/\n  competence import sssom mappings.sssom.tsv -o imported/\n  competence import case package.json --format json | jq '.diagnostics'"
    )]
    Import(ImportArgs),

    /// Export a framework as a CASE package (1.1, or for OpenSALT), a Moodle competency CSV or
    /// CTDL JSON-LD; a mapping as an SSSOM mapping set or a CTDL alignment map; a curriculum as
    /// an Open Badges 3.0 achievement aligned to the items it covers.
    ///
    /// CASE: valid against the official 1.1 schema; identifiers kept from an import or derived
    /// (UUIDv5) from the framework and item ids, so they are the same on every export; the tree
    /// as isChildOf with sequenceNumber; item kinds as CFItemTypes; the catalog's mappings that
    /// touch the framework as associations. Moodle: the 14-column tool_lpimportcsv layout; what
    /// Moodle cannot hold is listed as `export-loss` warnings. Timestamps are now, or
    /// SOURCE_DATE_EPOCH when set (for reproducible files).
    #[command(
        after_long_help = "Examples:\n  competence export case care-certificate-2015 -o care-certificate.json\n  competence export case hee-psw-2020 --base-uri https://example.org/case/uri/\n  competence export case hee-psw-2020 --profile opensalt -o for-opensalt.json\n  competence export moodle hee-psw-2020 -o hee-psw-2020.csv\n  competence export ctdl hee-psw-2020 -o hee-psw-2020.jsonld\n  competence export sssom care-certificate-2015--hee-psw-2020 -o cc-hee.sssom.tsv\n  competence export ob3 cnwl-developing-expertise-peer-working"
    )]
    Export(ExportArgs),

    /// The designer's shareable report of a curriculum, as one web page (`-o report.html`) or
    /// one workbook (`-o report.xlsx`).
    ///
    /// The summary, coverage per top-level item (a chart), the course map grid with titles as a
    /// heatmap, the gaps (with `--target`, against a role per requirement, or a framework),
    /// hours per top-level item and the sequencing findings. The page is self-contained: no
    /// request leaves it, so it works offline, attached to an e-mail and printed.
    #[command(
        after_long_help = "Examples:\n  competence report cnwl-developing-expertise-peer-working -o report.html\n  competence report cnwl-developing-expertise-peer-working --target cpft-peer-support-worker -o report.xlsx\n  competence report my-course.yaml -o report.html --watch"
    )]
    Report(ReportArgs),

    /// Write the blank course map grid of a framework to fill in: its items (with titles, each
    /// group's item in bold) down the side, session columns across (`-o FILE.xlsx` or `.csv`;
    /// CSV on stdout without `-o`).
    #[command(
        after_long_help = "Examples:\n  competence template hee-psw-2020 -o grid.xlsx\n  competence template care-certificate-2015 --sessions 16 -o grid.csv\n\nThen: competence import sheet grid.xlsx --id my-course -o my-course.yaml"
    )]
    Template(TemplateArgs),

    /// Write a commented starter course map for a framework (and, with `-o`, the JSON Schema
    /// beside it, so an editor with a YAML language server completes refs and depths).
    #[command(
        after_long_help = "Examples:\n  competence init --framework hee-psw-2020 -o my-course.yaml\n  competence init > my-course.yaml"
    )]
    Init(InitArgs),

    /// The JSON Schema of the documents (framework, curriculum, mapping, role), for editors:
    /// the refs, framework ids and depths of the catalog are offered as completions.
    #[command(
        after_long_help = "Examples:\n  competence schema curriculum -o curriculum.schema.json\n  competence schema            # every kind, one schema"
    )]
    Schema(SchemaArgs),
}
