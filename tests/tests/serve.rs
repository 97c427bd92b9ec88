//! `competence serve`, started on a free loopback port and called with a real HTTP client: the
//! answers are the command line's JSON, errors are its error document with the right status,
//! the CASE endpoints serve the CASE export, logs carry no learner data, and a bounded load
//! (loopback only) gets no error and no memory growth.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::competence;
use serde_json::Value;

/// A running service: killed when dropped. Its log lines are gathered as they come (so the
/// pipe never fills).
struct Service {
    child: Child,
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> Service {
    let mut child = competence()
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first
        .strip_prefix("listening on ")
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    // It binds to loopback by default.
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let log = Arc::new(Mutex::new(Vec::new()));
    let into = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            into.lock().unwrap().push(line);
        }
    });
    Service { child, base, log }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// (status, body as JSON).
fn get(agent: &ureq::Agent, url: &str) -> (u16, Value) {
    let mut r = agent.get(url).call().unwrap();
    let status = r.status().as_u16();
    let text = r
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn post(agent: &ureq::Agent, url: &str, body: &str) -> (u16, Value) {
    let mut r = agent
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .unwrap();
    let status = r.status().as_u16();
    let text = r
        .body_mut()
        .with_config()
        .limit(256 << 20)
        .read_to_string()
        .unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The command line's JSON for the same call.
fn cli_json(args: &[&str]) -> Value {
    let out = competence()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

const LEARNERS: &str = "learner,role,start_date,qualifications\nL1,cpft-peer-support-worker,2025-01-06,\nL2,cpft-peer-support-worker,2025-03-03,recent-care-experience;health-and-social-care@2022-06-30\n";
const EVIDENCE: &str = "learner,ref,status,date\nL1,care-certificate-2015:*,met,2025-02-10\nL1,hee-psw-2020:1,met,2025-03-14\nL2,hee-psw-2020:2,Met,2025-04-01\n";

#[test]
fn the_analyses_answer_with_the_cli_json() {
    let s = start(&[]);
    let a = agent();
    let (status, body) = get(&a, &format!("{}/health", s.base));
    assert_eq!((status, &body["status"]), (200, &Value::from("ok")));

    let (status, body) = get(&a, &format!("{}/api/v1/documents", s.base));
    assert_eq!(status, 200);
    assert_eq!(body, cli_json(&["list"]));

    let (status, body) = get(
        &a,
        &format!("{}/api/v1/coverage/cpft-peer-education-programme", s.base),
    );
    assert_eq!(status, 200);
    assert_eq!(
        body,
        cli_json(&["coverage", "cpft-peer-education-programme"])
    );

    let (status, body) = get(
        &a,
        &format!(
            "{}/api/v1/coverage/cnwl-developing-expertise-peer-working?framework=hee-psw-2020",
            s.base
        ),
    );
    assert_eq!(status, 200);
    assert_eq!(
        body,
        cli_json(&[
            "coverage",
            "cnwl-developing-expertise-peer-working",
            "--framework",
            "hee-psw-2020"
        ])
    );

    let (status, body) = get(
        &a,
        &format!(
            "{}/api/v1/gaps?target=cpft-peer-support-worker&from=cpft-peer-education-programme",
            s.base
        ),
    );
    assert_eq!(status, 200);
    assert_eq!(
        body,
        cli_json(&[
            "gaps",
            "--target",
            "cpft-peer-support-worker",
            "--from",
            "cpft-peer-education-programme"
        ])
    );

    // Learner records as CSV text, and as lists of row objects: the same answer as the CLI's.
    let dir = tempfile::tempdir().unwrap();
    let (lf, ef) = (dir.path().join("l.csv"), dir.path().join("e.csv"));
    std::fs::write(&lf, LEARNERS).unwrap();
    std::fs::write(&ef, EVIDENCE).unwrap();
    let expected = cli_json(&[
        "learners",
        "--role",
        "cpft-peer-support-worker",
        "--learners",
        lf.to_str().unwrap(),
        "--evidence",
        ef.to_str().unwrap(),
        "--as-of",
        "2025-09-01",
    ]);
    let request = serde_json::json!({
        "role": "cpft-peer-support-worker",
        "as_of": "2025-09-01",
        "learners": LEARNERS,
        "evidence": EVIDENCE,
    });
    let (status, body) = post(
        &a,
        &format!("{}/api/v1/learners", s.base),
        &request.to_string(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, expected);
    let rows = |csv_text: &str| -> Value {
        let mut r = csv::Reader::from_reader(csv_text.as_bytes());
        let headers = r.headers().unwrap().clone();
        r.records()
            .map(|row| {
                let row = row.unwrap();
                headers
                    .iter()
                    .zip(row.iter())
                    .map(|(h, v)| (h.to_owned(), Value::from(v)))
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            })
            .collect::<Vec<Value>>()
            .into()
    };
    let request = serde_json::json!({
        "role": "cpft-peer-support-worker",
        "as_of": "2025-09-01",
        "learners": rows(LEARNERS),
        "evidence": rows(EVIDENCE),
    });
    let (status, body) = post(
        &a,
        &format!("{}/api/v1/learners", s.base),
        &request.to_string(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["learners"], expected["learners"]);
    assert_eq!(body["summary"], expected["summary"]);

    // The log: one JSON line per request, no learner ids, no query strings.
    std::thread::sleep(Duration::from_millis(200));
    let log = s.log.lock().unwrap().clone();
    assert!(log.len() >= 7, "{log:?}");
    for line in &log {
        let entry: Value = serde_json::from_str(line).unwrap_or_else(|_| panic!("{line}"));
        assert!(
            entry["status"].is_u64() && entry["ms"].is_number(),
            "{line}"
        );
        assert!(!line.contains("L1") && !line.contains("L2") && !line.contains("target="));
    }
}

#[test]
fn the_case_endpoints_serve_the_case_export() {
    let s = start(&[]);
    let a = agent();
    let (status, body) = get(&a, &format!("{}/ims/case/v1p1/CFDocuments", s.base));
    assert_eq!(status, 200);
    let docs = body["CFDocuments"].as_array().unwrap();
    let frameworks = cli_json(&["list"])["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "framework")
        .count();
    assert_eq!(docs.len(), frameworks);
    let export = competence()
        .args(["export", "case", "care-certificate-2015"])
        .output()
        .unwrap();
    let export: Value = serde_json::from_slice(&export.stdout).unwrap();
    let id = export["CFDocument"]["identifier"].as_str().unwrap();
    let (status, package) = get(&a, &format!("{}/ims/case/v1p1/CFPackages/{id}", s.base));
    assert_eq!(status, 200);
    // The same package, but for the time it was made.
    let without_times = |mut v: Value| {
        fn strip(v: &mut Value) {
            match v {
                Value::Object(m) => {
                    m.remove("lastChangeDateTime");
                    m.values_mut().for_each(strip);
                }
                Value::Array(a) => a.iter_mut().for_each(strip),
                _ => {}
            }
        }
        strip(&mut v);
        v
    };
    assert_eq!(
        without_times(package.clone()),
        without_times(export.clone())
    );
    // By the framework's id too.
    let (status, same) = get(
        &a,
        &format!("{}/ims/case/v1p1/CFPackages/care-certificate-2015", s.base),
    );
    assert_eq!((status, &same), (200, &package));
    let item = &package["CFItems"][3];
    let (status, got) = get(
        &a,
        &format!(
            "{}/ims/case/v1p1/CFItems/{}",
            s.base,
            item["identifier"].as_str().unwrap()
        ),
    );
    assert_eq!((status, &got), (200, item));
    let assoc = &package["CFAssociations"][0];
    let (status, got) = get(
        &a,
        &format!(
            "{}/ims/case/v1p1/CFAssociations/{}",
            s.base,
            assoc["identifier"].as_str().unwrap()
        ),
    );
    assert_eq!((status, &got), (200, assoc));
    let (status, body) = get(&a, &format!("{}/ims/case/v1p1/CFItems/nope", s.base));
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &Value::from("unknown-id"))
    );
}

#[test]
fn errors_are_the_cli_error_document_with_their_status() {
    let s = start(&["--max-body", "2000"]);
    let a = agent();
    let expect = |(status, body): (u16, Value), want: u16, code: &str| {
        assert_eq!(status, want, "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(body["error"]["message"].is_string());
        assert!(body["diagnostics"].is_array());
    };
    // An unknown document: 404, the CLI's error document.
    let got = get(&a, &format!("{}/api/v1/coverage/no-such-course", s.base));
    let cli = cli_json(&["coverage", "no-such-course"]);
    assert_eq!(got.1["error"]["code"], cli["error"]["code"]);
    assert_eq!(got.1["error"]["message"], cli["error"]["message"]);
    expect(got, 404, "unknown-curriculum");
    expect(
        get(
            &a,
            &format!(
                "{}/api/v1/gaps?target=cpft-peer-support-worker&from=nope",
                s.base
            ),
        ),
        404,
        "unknown-id",
    );
    // Bad input: 400.
    expect(
        get(
            &a,
            &format!("{}/api/v1/gaps?target=cpft-peer-support-worker", s.base),
        ),
        400,
        "bad-arguments",
    );
    expect(
        get(
            &a,
            &format!(
                "{}/api/v1/coverage/cpft-peer-education-programme?framwork=x",
                s.base
            ),
        ),
        400,
        "bad-arguments",
    );
    let url = format!("{}/api/v1/learners", s.base);
    expect(post(&a, &url, "{not json"), 400, "bad-arguments");
    expect(post(&a, &url, "[]"), 400, "bad-arguments");
    expect(
        post(
            &a,
            &url,
            r#"{"role": "cpft-peer-support-worker", "learners": "learner,role,start_date\n", "evidence": "x\n"}"#,
        ),
        400,
        "missing-column",
    );
    expect(
        post(
            &a,
            &url,
            r#"{"role": "nobody", "learners": "learner,role,start_date\n", "evidence": "learner,ref,status,date\n"}"#,
        ),
        404,
        "unknown-role",
    );
    expect(
        post(
            &a,
            &url,
            r#"{"role": "cpft-peer-support-worker", "as_of": "01/09/2025", "learners": [], "evidence": []}"#,
        ),
        400,
        "bad-arguments",
    );
    // A cohort with no evidence yet, and rows with keys the records do not use: answered.
    let (status, body) = post(
        &a,
        &url,
        r#"{"role": "cpft-peer-support-worker", "as_of": "2025-09-01", "learners": [{"learner": "A", "role": "cpft-peer-support-worker", "start_date": "2025-01-06", "Email": "x"}], "evidence": []}"#,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["summary"]["learners"], 1);
    // A path that is not UTF-8: our error document, not the framework's text.
    expect(
        get(&a, &format!("{}/api/v1/coverage/%FF", s.base)),
        400,
        "bad-arguments",
    );
    // Over the body limit: 413.
    let big = format!(
        r#"{{"role": "cpft-peer-support-worker", "learners": "{}", "evidence": []}}"#,
        "x".repeat(5000)
    );
    expect(post(&a, &url, &big), 413, "bad-arguments");
    // No such endpoint, another method: 404, 405.
    expect(
        get(&a, &format!("{}/api/v2/nothing", s.base)),
        404,
        "not-found",
    );
    expect(get(&a, &url), 405, "bad-arguments");
}

#[test]
fn rows_with_many_distinct_keys_cost_in_proportion_to_the_body() {
    // 10,000 rows, each with a key no other row has: only the columns read are kept (a column
    // per key, filled for every row, would be 100,000,000 cells).
    let s = start(&[]);
    let rows: Vec<String> = (0..10_000)
        .map(|n| format!(r#"{{"learner": "L{n}", "role": "cpft-peer-support-worker", "start_date": "2025-01-06", "k{n}": 0}}"#))
        .collect();
    let body = format!(
        r#"{{"role": "cpft-peer-support-worker", "as_of": "2025-09-01", "learners": [{}], "evidence": []}}"#,
        rows.join(",")
    );
    let (status, answer) = post(&agent(), &format!("{}/api/v1/learners", s.base), &body);
    assert_eq!(status, 200);
    assert_eq!(answer["summary"]["learners"], 10_000);
    assert!(
        rss_kib(s.child.id()).is_none_or(|k| k < 1024 * 1024),
        "over 1 GiB"
    );
}

#[test]
fn a_port_in_use_stops_with_status_2() {
    let s = start(&[]);
    let port = s.base.rsplit(':').next().unwrap();
    let out = competence()
        .args(["serve", "--port", port, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["code"], "bad-arguments");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot listen")
    );
}

#[test]
fn a_request_past_the_time_limit_is_answered_503() {
    // Making the CASE export of every framework takes far longer than a millisecond.
    let s = start(&["--timeout", "0.001"]);
    let (status, body) = get(&agent(), &format!("{}/ims/case/v1p1/CFDocuments", s.base));
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "internal-error");
}

/// The resident memory of a process, in KiB (Linux).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A bounded load on loopback: 4 clients, 1,200 requests over the analyses, no error, and no
/// memory growth past the warm-up. Throughput and p99 are printed (`--nocapture`), not
/// asserted: the figures in the README come from a release build
/// (`cargo test --release -p competence-tests --test serve load -- --nocapture`).
#[test]
fn the_service_survives_a_bounded_load() {
    let s = start(&[]);
    let learners = serde_json::json!({
        "role": "cpft-peer-support-worker",
        "as_of": "2025-09-01",
        "learners": LEARNERS,
        "evidence": EVIDENCE,
    })
    .to_string();
    let urls = [
        format!("{}/api/v1/coverage/cpft-peer-education-programme", s.base),
        format!(
            "{}/api/v1/gaps?target=cpft-peer-support-worker&from=cpft-peer-education-programme",
            s.base
        ),
        format!("{}/ims/case/v1p1/CFPackages/hee-psw-2020", s.base),
        format!("{}/api/v1/learners", s.base),
    ];
    let round = |per_client: usize| -> (Vec<Duration>, usize, Duration) {
        let started = Instant::now();
        let handles: Vec<_> = (0..4)
            .map(|c| {
                let (urls, learners) = (urls.clone(), learners.clone());
                std::thread::spawn(move || {
                    let a = agent();
                    let mut times = Vec::new();
                    let mut errors = 0;
                    for n in 0..per_client {
                        let url = &urls[(n + c) % urls.len()];
                        let t = Instant::now();
                        let status = if url.ends_with("/learners") {
                            post(&a, url, &learners).0
                        } else {
                            get(&a, url).0
                        };
                        times.push(t.elapsed());
                        errors += usize::from(status != 200);
                    }
                    (times, errors)
                })
            })
            .collect();
        let mut times = Vec::new();
        let mut errors = 0;
        for h in handles {
            let (t, e) = h.join().unwrap();
            times.extend(t);
            errors += e;
        }
        (times, errors, started.elapsed())
    };
    let pid = s.child.id();
    let (_, errors, _) = round(50);
    assert_eq!(errors, 0);
    let before = rss_kib(pid);
    let (mut times, errors, took) = round(300);
    let after = rss_kib(pid);
    assert_eq!(errors, 0, "requests answered with an error");
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    println!(
        "load: {} requests in {:.2} s: {:.0} requests/s, p99 {:.1} ms; resident memory {:?} KiB after warm-up, {:?} KiB after",
        times.len(),
        took.as_secs_f64(),
        times.len() as f64 / took.as_secs_f64(),
        p99.as_secs_f64() * 1000.0,
        before,
        after
    );
    if let (Some(b), Some(a)) = (before, after) {
        // Allocator noise is a few MiB; a leak per request would be far more over 1,200.
        assert!(a < b + 32 * 1024, "memory grew from {b} KiB to {a} KiB");
    }
}
