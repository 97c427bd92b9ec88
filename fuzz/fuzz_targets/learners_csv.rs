//! The learner-record readers: the input is split at its first NUL byte into `learners.csv`
//! and the evidence, read against a role of the shipped catalog. The evidence is
//! `evidence.csv`, read as SPEC §1.6 writes it or through a dialect (other column names, status
//! aliases, day-first dates), or xAPI statements with an activity map (split from the
//! statements at the evidence's own first NUL byte); the byte after the split picks which.
#![no_main]

use framework_core::learners::{CsvInput, EvidenceInput, RecordsDialect, XapiInput, learners_with};
use libfuzzer_sys::fuzz_target;

fn split(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let i = data.iter().position(|&b| b == 0)?;
    Some((&data[..i], &data[i + 1..]))
}

fuzz_target!(|data: &[u8]| {
    let (l, rest) = split(data).unwrap_or((data, &b""[..]));
    let (pick, e) = rest.split_first().map_or((0, &b""[..]), |(p, e)| (*p, e));
    let as_of = jiff::civil::date(2025, 9, 1);
    let mut dialect = RecordsDialect::default();
    let evidence: EvidenceInput<&[u8]> = match pick % 3 {
        0 => CsvInput::new("evidence.csv", e).into(),
        1 => {
            dialect = dialect
                .with_columns("learner=UserID,ref=Competency,status=Result,date=On")
                .and_then(|d| d.with_status_aliases("passed=met,failed=not-met"))
                .and_then(|d| d.date_format("%d/%m/%Y"))
                .unwrap_or_default();
            CsvInput::new("evidence.csv", e).into()
        }
        _ => {
            let (statements, map) = split(e).unwrap_or((e, &b"activity,ref\n"[..]));
            EvidenceInput::Xapi(XapiInput {
                name: "statements.json".to_owned(),
                reader: statements,
                map_name: "activities.csv".to_owned(),
                map: Box::new(std::io::Cursor::new(map.to_vec())),
            })
        }
    };
    if let Ok(report) = learners_with(
        competence_fuzz::builtin(),
        "cpft-peer-support-worker",
        CsvInput::new("learners.csv", l),
        evidence,
        as_of,
        None,
        &dialect,
    ) {
        competence_fuzz::render(&report.diagnostics);
    }
});
