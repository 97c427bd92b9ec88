//! `competence serve`: a read-only HTTP service over a catalog (SPEC §4), for systems that
//! cannot link the library (an LMS in PHP, a CASE client).
//!
//! - `GET /ims/case/v1p1/CFDocuments`, `/CFPackages/{id}`, `/CFItems/{id}`,
//!   `/CFAssociations/{id}`: the CASE 1.1 REST binding, read-only, from the CASE export of each
//!   framework (made once, on the first CASE request). A package may also be asked for by the
//!   framework's id.
//! - `GET /api/v1/documents`, `/api/v1/coverage/{curriculum}[?framework=F]`,
//!   `/api/v1/gaps?target=T&from=S`, `POST /api/v1/learners`: the analyses, each answered with
//!   the JSON the command line writes for the same call (`--format json`).
//! - `GET /health`.
//!
//! Errors are the command line's JSON error document (`{"error": {"code", "message", "help"},
//! "diagnostics"}`): 404 for an unknown document or path, 400 for bad input, 405 for another
//! method, 413 for a body over the limit, 503 when a request runs past the time limit.
//!
//! What it guards against: it never writes (no handler touches a file); it binds to
//! 127.0.0.1 unless told otherwise; request bodies are limited (`--max-body`), and so is the
//! time a request may take (`--timeout`, reading the body included); analyses run on blocking
//! threads, at most two per core at once, so a burst of requests queues rather than taking all
//! the memory. Each request is logged to stderr as one JSON line (time, method, path, status,
//! milliseconds), without query strings or bodies, so learner data never reaches the log.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use framework_core::learners::{
    CsvInput, EVIDENCE_FIELDS, EvidenceInput, LEARNER_FIELDS, RecordsDialect, RecordsInput,
    RowTable,
};
use framework_core::{Catalog, Code, Diagnostic};
use serde::Serialize;
use serde_json::Value;

use crate::output::Fatal;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address to listen on.
    pub addr: SocketAddr,
    /// The largest request body, in bytes.
    pub max_body: usize,
    /// The longest a request may take.
    pub timeout: Duration,
}

/// What every handler shares: the catalog, and the CASE export, made when first asked for.
struct Served {
    catalog: &'static Catalog,
    case: OnceLock<Arc<CaseIndex>>,
    /// At most this many analyses run at once; the others wait. A permit is held by the
    /// analysis's thread, so a request that times out keeps its slot until its work ends.
    work: Arc<tokio::sync::Semaphore>,
    max_body: usize,
}

/// The CASE export of every framework, as JSON, by identifier.
#[derive(Default)]
struct CaseIndex {
    documents: Vec<Value>,
    packages: HashMap<String, Arc<[u8]>>,
    items: HashMap<String, Arc<[u8]>>,
    associations: HashMap<String, Arc<[u8]>>,
}

impl CaseIndex {
    fn of(catalog: &Catalog) -> Self {
        let mut index = CaseIndex::default();
        let options = framework_core::interop::case::ExportOptions::default();
        for f in catalog.frameworks() {
            let package = framework_core::interop::case::export(catalog, f, &options);
            let bytes: Arc<[u8]> = json_bytes(&package).into();
            if let Some(doc) = package.get("CFDocument") {
                if let Some(id) = doc.get("identifier").and_then(Value::as_str) {
                    index.packages.insert(id.to_owned(), bytes.clone());
                }
                index.documents.push(doc.clone());
            }
            index.packages.insert(f.info.id.to_string(), bytes.clone());
            for (list, into) in [
                ("CFItems", &mut index.items),
                ("CFAssociations", &mut index.associations),
            ] {
                for object in package
                    .get(list)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(id) = object.get("identifier").and_then(Value::as_str) {
                        into.insert(id.to_owned(), json_bytes(object).into());
                    }
                }
            }
        }
        index
    }
}

/// A value as the command line writes JSON: indented, unsafe characters escaped, a line end.
fn json_bytes<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to memory fails only for a value that cannot be JSON, which ours always are.
    if crate::json::write_json(&mut out, value, true).is_ok() {
        out.push(b'\n');
    }
    out
}

/// A JSON response.
fn json_response(status: StatusCode, bytes: impl Into<Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        bytes.into(),
    )
        .into_response()
}

/// An error as the command line's JSON error document, with its HTTP status.
struct ApiError {
    status: StatusCode,
    body: Vec<u8>,
}

impl ApiError {
    fn of(
        e: &(dyn miette::Diagnostic + Send + Sync + 'static),
        diagnostics: &[Diagnostic],
    ) -> Self {
        let code = e.code().and_then(|c| Code::parse(&c.to_string()));
        let status = match code {
            Some(
                Code::UnknownCurriculum
                | Code::UnknownFramework
                | Code::UnknownRole
                | Code::UnknownId
                | Code::WrongKind
                | Code::NotFound,
            ) => StatusCode::NOT_FOUND,
            Some(Code::InternalError) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        Self {
            status,
            body: json_bytes(&crate::output::error_document(e, diagnostics)),
        }
    }

    fn new(status: StatusCode, code: Code, message: String, help: Option<&str>) -> Self {
        let mut e = Self::of(&Fatal::new(code, message, help.map(str::to_owned)), &[]);
        e.status = status;
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, self.body)
    }
}

type Answer = Result<Response, ApiError>;

impl Served {
    /// Runs an analysis on a blocking thread, when one of the slots for analyses is free.
    async fn analyse<T: Send + 'static>(
        &self,
        work: impl FnOnce(&'static Catalog) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let slot = self
            .work
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| stopping())?;
        let catalog = self.catalog;
        tokio::task::spawn_blocking(move || {
            let done = work(catalog);
            drop(slot);
            done
        })
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                Code::InternalError,
                "the analysis stopped unexpectedly".to_owned(),
                None,
            )
        })
    }

    /// The CASE export, made once: kept by the thread that makes it, so a first request that
    /// times out still leaves it made for the next.
    async fn case(self: &Arc<Self>) -> Result<Arc<CaseIndex>, ApiError> {
        if let Some(index) = self.case.get() {
            return Ok(index.clone());
        }
        let served = self.clone();
        self.analyse(move |c| {
            served
                .case
                .get_or_init(|| Arc::new(CaseIndex::of(c)))
                .clone()
        })
        .await
    }
}

fn stopping() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        Code::InternalError,
        "the service is stopping".to_owned(),
        None,
    )
}

/// The report of an analysis, as the command line's JSON, or its error.
fn report_or_error<T: Serialize, E: miette::Diagnostic + Send + Sync + 'static>(
    catalog: &Catalog,
    result: Result<framework_core::report::Report<T>, E>,
) -> Answer {
    match result {
        Ok(report) => Ok(json_response(StatusCode::OK, json_bytes(&report))),
        Err(e) => Err(ApiError::of(&e, catalog.diagnostics())),
    }
}

async fn health(State(s): State<Arc<Served>>) -> Response {
    #[derive(Serialize)]
    struct Health {
        status: &'static str,
        documents: usize,
        version: &'static str,
    }
    json_response(
        StatusCode::OK,
        json_bytes(&Health {
            status: "ok",
            documents: s.catalog.documents().count(),
            version: env!("CARGO_PKG_VERSION"),
        }),
    )
}

async fn documents(State(s): State<Arc<Served>>) -> Answer {
    let report = s.analyse(framework_core::report::list).await?;
    Ok(json_response(StatusCode::OK, json_bytes(&report)))
}

/// A path or query string the extractor could not read (not UTF-8, say): our error document.
fn unreadable_request(e: &dyn std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        Code::BadArguments,
        format!(
            "the request cannot be read: {}",
            framework_core::safe::escape(&e.to_string())
        ),
        Some("ids and parameters are UTF-8 text, percent-encoded in the URL"),
    )
}

type PathOf<T> = Result<Path<T>, axum::extract::rejection::PathRejection>;
type QueryOf = Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;

async fn coverage(State(s): State<Arc<Served>>, curriculum: PathOf<String>, q: QueryOf) -> Answer {
    let Path(curriculum) = curriculum.map_err(|e| unreadable_request(&e))?;
    let Query(q) = q.map_err(|e| unreadable_request(&e))?;
    only_params(&q, &["framework"])?;
    s.analyse(move |c| {
        report_or_error(
            c,
            framework_core::coverage::coverage(
                c,
                &curriculum,
                q.get("framework").map(String::as_str),
            ),
        )
    })
    .await?
}

async fn gaps(State(s): State<Arc<Served>>, q: QueryOf) -> Answer {
    let Query(q) = q.map_err(|e| unreadable_request(&e))?;
    only_params(&q, &["target", "from"])?;
    let (Some(target), Some(from)) = (q.get("target").cloned(), q.get("from").cloned()) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            Code::BadArguments,
            "gaps needs `target` and `from`".to_owned(),
            Some(
                "GET /api/v1/gaps?target=cpft-peer-support-worker&from=cpft-peer-education-programme",
            ),
        ));
    };
    s.analyse(move |c| report_or_error(c, framework_core::gaps::gaps(c, &target, &from, None)))
        .await?
}

/// Refuses query parameters the endpoint does not take (a misspelt one would be ignored).
fn only_params(q: &HashMap<String, String>, known: &[&str]) -> Result<(), ApiError> {
    match q.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            Code::BadArguments,
            format!(
                "unknown query parameter `{}`",
                framework_core::safe::escape(k)
            ),
            Some(&format!("this endpoint takes: {}", known.join(", "))),
        )),
    }
}

/// Records in a learners request: CSV text, or a list of row objects. Of a row object only the
/// columns the records are read by are kept (`wanted`, the dialect's names for ours, matched
/// ignoring case, as a CSV header is): other keys are passed over, so the work is in proportion
/// to the body, whatever keys the rows have.
fn records(
    value: Option<&Value>,
    name: &str,
    wanted: Vec<String>,
) -> Result<RecordsInput<std::io::Cursor<Vec<u8>>>, String> {
    match value {
        Some(Value::String(text)) => Ok(RecordsInput::Csv(CsvInput::new(
            name,
            std::io::Cursor::new(text.clone().into_bytes()),
        ))),
        Some(Value::Array(rows)) => {
            let mut table = RowTable::new(wanted);
            for (n, row) in rows.iter().enumerate() {
                let Value::Object(fields) = row else {
                    return Err(format!("`{name}` row {} is not an object", n + 1));
                };
                table.row();
                for (key, value) in fields {
                    let Some(c) = table.column(key) else {
                        continue;
                    };
                    let text = match value {
                        Value::Null => None,
                        Value::String(s) => Some(s.clone()),
                        Value::Number(x) => Some(x.to_string()),
                        Value::Bool(b) => Some(b.to_string()),
                        Value::Array(_) | Value::Object(_) => {
                            return Err(format!(
                                "`{name}` row {}: `{}` is a list or an object, not a value",
                                n + 1,
                                framework_core::safe::escape(key)
                            ));
                        }
                    };
                    table.set(c, text);
                }
            }
            Ok(RecordsInput::Table(table.finish(name)))
        }
        Some(_) => Err(format!("`{name}` is CSV text or a list of row objects")),
        None => Err(format!("the request has no `{name}`")),
    }
}

/// A map of text to text in a learners request (`columns`, `status_alias`).
fn pairs<'a>(value: Option<&'a Value>, name: &str) -> Result<Vec<(&'a str, &'a str)>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.as_str(), s.as_str())),
                _ => Err(format!("`{name}` maps names to text")),
            })
            .collect(),
        Some(_) => Err(format!("`{name}` is an object of names to text")),
    }
}

/// The fields a learners request may have.
const LEARNERS_FIELDS: [&str; 7] = [
    "role",
    "as_of",
    "learners",
    "evidence",
    "columns",
    "status_alias",
    "date_format",
];

/// How a learners request reads: what to analyse, or why it cannot be.
struct LearnersRequest {
    role: String,
    as_of: jiff::civil::Date,
    learners: RecordsInput<std::io::Cursor<Vec<u8>>>,
    evidence: RecordsInput<std::io::Cursor<Vec<u8>>>,
    dialect: RecordsDialect,
}

fn learners_request(body: &[u8]) -> Result<LearnersRequest, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        format!(
            "the body is not JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    let Value::Object(fields) = &value else {
        return Err(
            "the body is a JSON object: {\"role\", \"as_of\", \"learners\", \"evidence\"}"
                .to_owned(),
        );
    };
    if let Some(k) = fields
        .keys()
        .find(|k| !LEARNERS_FIELDS.contains(&k.as_str()))
    {
        return Err(format!(
            "unknown field `{}`: a learners request has {}",
            framework_core::safe::escape(k),
            LEARNERS_FIELDS.join(", ")
        ));
    }
    let role = match fields.get("role") {
        Some(Value::String(r)) => r.clone(),
        _ => return Err("the request has no `role` (a role's id)".to_owned()),
    };
    let as_of = match fields.get("as_of") {
        None | Some(Value::Null) => framework_core::learners::today(),
        Some(Value::String(d)) => framework_core::learners::date(d).ok_or_else(|| {
            format!(
                "`as_of` `{}` is not a date: write YYYY-MM-DD",
                framework_core::safe::escape(d)
            )
        })?,
        Some(_) => return Err("`as_of` is a date, YYYY-MM-DD".to_owned()),
    };
    let columns = pairs(fields.get("columns"), "columns")?;
    let aliases = pairs(fields.get("status_alias"), "status_alias")?;
    let date_format = match fields.get("date_format") {
        None | Some(Value::Null) => None,
        Some(Value::String(f)) => Some(f.as_str()),
        Some(_) => return Err("`date_format` is a strftime pattern, such as %d/%m/%Y".to_owned()),
    };
    let dialect = RecordsDialect::of(columns, aliases, date_format).map_err(|e| e.to_string())?;
    let learners = records(
        fields.get("learners"),
        "learners",
        dialect.headers(&LEARNER_FIELDS),
    )?;
    let evidence = records(
        fields.get("evidence"),
        "evidence",
        dialect.headers(&EVIDENCE_FIELDS),
    )?;
    Ok(LearnersRequest {
        role,
        as_of,
        learners,
        evidence,
        dialect,
    })
}

async fn learners(State(s): State<Arc<Served>>, request: Request) -> Answer {
    let body = axum::body::to_bytes(request.into_body(), s.max_body)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                Code::BadArguments,
                format!(
                    "the request body is larger than the limit of {} bytes (or was cut off)",
                    s.max_body
                ),
                Some(
                    "send fewer records per request, or start the service with a larger --max-body",
                ),
            )
        })?;
    // Reading the body's records is work in proportion to it: on a blocking thread too.
    s.analyse(move |c| {
        let LearnersRequest {
            role,
            as_of,
            learners,
            evidence,
            dialect,
        } = learners_request(&body).map_err(|message| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                Code::BadArguments,
                message,
                Some("POST {\"role\": ROLE, \"as_of\": \"YYYY-MM-DD\", \"learners\": CSV or [rows], \"evidence\": CSV or [rows]}"),
            )
        })?;
        report_or_error(
            c,
            framework_core::learners::learners_with(
                c,
                &role,
                learners,
                EvidenceInput::Records(evidence),
                as_of,
                None,
                &dialect,
            ),
        )
    })
    .await?
}

async fn cf_documents(State(s): State<Arc<Served>>) -> Answer {
    let index = s.case().await?;
    Ok(json_response(
        StatusCode::OK,
        json_bytes(&serde_json::json!({ "CFDocuments": index.documents })),
    ))
}

/// One object of the CASE export, by identifier.
async fn case_object(
    s: &Arc<Served>,
    id: &str,
    what: &str,
    pick: impl Fn(&CaseIndex) -> &HashMap<String, Arc<[u8]>>,
) -> Answer {
    let index = s.case().await?;
    match pick(&index).get(id) {
        Some(bytes) => Ok(json_response(StatusCode::OK, Body::from(bytes.to_vec()))),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            Code::UnknownId,
            format!("no {what} `{}`", framework_core::safe::escape(id)),
            Some("GET /ims/case/v1p1/CFDocuments lists the frameworks"),
        )),
    }
}

async fn cf_package(State(s): State<Arc<Served>>, id: PathOf<String>) -> Answer {
    let Path(id) = id.map_err(|e| unreadable_request(&e))?;
    case_object(&s, &id, "CASE package", |i| &i.packages).await
}

async fn cf_item(State(s): State<Arc<Served>>, id: PathOf<String>) -> Answer {
    let Path(id) = id.map_err(|e| unreadable_request(&e))?;
    case_object(&s, &id, "CASE item", |i| &i.items).await
}

async fn cf_association(State(s): State<Arc<Served>>, id: PathOf<String>) -> Answer {
    let Path(id) = id.map_err(|e| unreadable_request(&e))?;
    case_object(&s, &id, "CASE association", |i| &i.associations).await
}

async fn not_found(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        Code::NotFound,
        format!(
            "no endpoint `{}`",
            framework_core::safe::escape(request.uri().path())
        ),
        Some("see `competence serve --help` for the endpoints"),
    )
}

async fn wrong_method(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        Code::BadArguments,
        format!(
            "`{}` does not take {}: the service is read-only",
            framework_core::safe::escape(request.uri().path()),
            request.method()
        ),
        Some("use GET (POST for /api/v1/learners)"),
    )
}

/// The time limit and the log line of each request.
async fn guard(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    // The path only: a query string could hold anything, and bodies are never logged.
    let path = framework_core::safe::escape(request.uri().path()).into_owned();
    let response = match tokio::time::timeout(limit, next.run(request)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::InternalError,
            format!(
                "the request took longer than the limit of {} s",
                limit.as_secs_f64()
            ),
            Some("ask for less at once, or start the service with a longer --timeout"),
        )
        .into_response(),
    };
    #[derive(Serialize)]
    struct Line<'a> {
        time: String,
        method: &'a str,
        path: &'a str,
        status: u16,
        ms: f64,
    }
    let line = Line {
        time: jiff::Timestamp::now().to_string(),
        method: &method,
        path: &path,
        status: response.status().as_u16(),
        ms: (started.elapsed().as_secs_f64() * 1e4).round() / 10.0,
    };
    if let Ok(text) = serde_json::to_string(&line) {
        eprintln!("{text}");
    }
    response
}

/// The service's routes over a catalog.
fn router(catalog: &'static Catalog, settings: &Settings) -> Router {
    let parallel = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let served = Arc::new(Served {
        catalog,
        case: OnceLock::new(),
        work: Arc::new(tokio::sync::Semaphore::new(parallel * 2)),
        max_body: settings.max_body,
    });
    Router::new()
        .route("/health", get(health))
        .route("/api/v1/documents", get(documents))
        .route("/api/v1/coverage/{curriculum}", get(coverage))
        .route("/api/v1/gaps", get(gaps))
        .route("/api/v1/learners", post(learners))
        .route("/ims/case/v1p1/CFDocuments", get(cf_documents))
        .route("/ims/case/v1p1/CFPackages/{id}", get(cf_package))
        .route("/ims/case/v1p1/CFItems/{id}", get(cf_item))
        .route("/ims/case/v1p1/CFAssociations/{id}", get(cf_association))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .with_state(served)
        .layer(middleware::from_fn_with_state(settings.timeout, guard))
}

/// Serves the catalog until interrupted (Ctrl-C). Says where it listens on stderr first.
pub fn serve(catalog: &'static Catalog, settings: &Settings) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Analyses run on these threads: room for the deepest a document can nest.
        .thread_stack_size(8 * 1024 * 1024)
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(settings.addr).await?;
        let addr = listener.local_addr()?;
        eprintln!("listening on http://{addr} (Ctrl-C stops)");
        axum::serve(listener, router(catalog, settings))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })
}
