//! How an LMS's export differs from SPEC §1.6, and how to read it anyway (SPEC §4): the
//! column names (`--columns learner=UserID,...`), status words (`--status-alias passed=met`)
//! and a date pattern (`--date-format '%d/%m/%Y'`).
//!
//! A column may have several headers, joined by `|` (`learner=UserID|Learner ID`): each file
//! uses the first it has, so two exports that name the learner differently need no renaming.
//!
//! Statuses, aliases and qualification names are compared as keys: lower case, each run of
//! spaces, hyphens and underscores (anything but letters and digits) as one `-`. So `MET`,
//! `Met` and `met` are all `met`, and `not met`, `Not_Met` and `not-met` are all `not-met`,
//! with no alias.

use jiff::civil::Date;

use super::records::qualification_key;

/// The columns of `learners.csv` (SPEC §1.6).
pub const LEARNER_FIELDS: [&str; 4] = ["learner", "role", "start_date", "qualifications"];

/// The columns of `evidence.csv` (SPEC §1.6).
pub const EVIDENCE_FIELDS: [&str; 4] = ["learner", "ref", "status", "date"];

/// The columns of the two records files (SPEC §1.6), as `--columns` names them.
pub const RECORD_COLUMNS: [&str; 7] = [
    "learner",
    "role",
    "start_date",
    "qualifications",
    "ref",
    "status",
    "date",
];

/// What an evidence row's status stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceStatus {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// Exempt.
    Exempt,
}

impl EvidenceStatus {
    /// The status as SPEC §1.6 writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceStatus::Met => "met",
            EvidenceStatus::NotMet => "not-met",
            EvidenceStatus::Exempt => "exempt",
        }
    }

    /// The status a word stands for, compared as a key (`Not met` is `not-met`).
    pub fn parse(word: &str) -> Option<Self> {
        match qualification_key(word).as_str() {
            "met" => Some(EvidenceStatus::Met),
            "not-met" => Some(EvidenceStatus::NotMet),
            "exempt" => Some(EvidenceStatus::Exempt),
            _ => None,
        }
    }
}

/// How to read records that differ from SPEC §1.6. The default reads them as SPEC §1.6 does,
/// except that statuses are compared as keys (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct RecordsDialect {
    /// Our column name → their headers (the first a file has is used), for the columns they
    /// name otherwise.
    columns: Vec<(&'static str, Vec<String>)>,
    /// Their value (as a key) → our status.
    aliases: Vec<(String, EvidenceStatus)>,
    /// A strftime pattern for dates (ISO `YYYY-MM-DD` is read as well).
    date_format: Option<String>,
}

/// A dialect option that cannot be read: what is wrong, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DialectError(pub String);

impl RecordsDialect {
    /// The headers that may stand for our column `ours`, in the order they are tried (our name
    /// itself unless mapped).
    pub fn names<'a>(&'a self, ours: &'a str) -> Vec<&'a str> {
        match self.columns.iter().find(|(o, _)| *o == ours) {
            Some((_, theirs)) => theirs.iter().map(String::as_str).collect(),
            None => vec![ours],
        }
    }

    /// The header that stands for our column `ours`, as messages name it: our name itself
    /// unless mapped, else their headers joined by `|`.
    pub fn header(&self, ours: &str) -> String {
        self.names(ours).join("|")
    }

    /// Every header that may stand for our columns `ours`, in order (for a records file's
    /// [`LEARNER_FIELDS`] or [`EVIDENCE_FIELDS`]): the keys to keep from rows given as objects.
    pub fn headers(&self, ours: &[&str]) -> Vec<String> {
        ours.iter()
            .flat_map(|o| self.names(o))
            .map(str::to_owned)
            .collect()
    }

    /// A dialect from its parts as a program gives them: (ours, theirs) column names, (theirs,
    /// ours) status aliases, and a date pattern; each checked as [`RecordsDialect::column`],
    /// [`RecordsDialect::status_alias`] and [`RecordsDialect::date_format`] check it.
    pub fn of<'a>(
        columns: impl IntoIterator<Item = (&'a str, &'a str)>,
        aliases: impl IntoIterator<Item = (&'a str, &'a str)>,
        date_format: Option<&str>,
    ) -> Result<Self, DialectError> {
        let mut d = Self::default();
        for (ours, theirs) in columns {
            d = d.column(ours, theirs)?;
        }
        for (theirs, ours) in aliases {
            d = d.status_alias(theirs, ours)?;
        }
        match date_format {
            Some(f) => d.date_format(f),
            None => Ok(d),
        }
    }

    /// Whether our column `ours` is named otherwise in their files.
    pub fn is_mapped(&self, ours: &str) -> bool {
        self.columns.iter().any(|(o, _)| *o == ours)
    }

    /// Maps our column `ours` to their header `theirs`, or to the first a file has of several
    /// joined by `|` (`UserID|Learner ID`).
    pub fn column(mut self, ours: &str, theirs: &str) -> Result<Self, DialectError> {
        let Some(&known) = RECORD_COLUMNS.iter().find(|c| **c == ours.trim()) else {
            return Err(DialectError(format!(
                "`{}` is not a column of learner records: use one of {}",
                ours.trim(),
                RECORD_COLUMNS.join(", ")
            )));
        };
        let theirs: Vec<String> = theirs
            .split('|')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if theirs.is_empty() {
            return Err(DialectError(format!("`{known}=` names no header")));
        }
        self.columns.retain(|(o, _)| *o != known);
        self.columns.push((known, theirs));
        Ok(self)
    }

    /// Reads their value `theirs` as our status `ours` (`met`, `not-met` or `exempt`).
    pub fn status_alias(mut self, theirs: &str, ours: &str) -> Result<Self, DialectError> {
        let Some(status) = EvidenceStatus::parse(ours) else {
            return Err(DialectError(format!(
                "`{}` is not a status: an alias stands for met, not-met or exempt",
                ours.trim()
            )));
        };
        let key = qualification_key(theirs);
        if key.is_empty() {
            return Err(DialectError(format!(
                "`={}` gives no value to read as it",
                ours.trim()
            )));
        }
        self.aliases.retain(|(k, _)| *k != key);
        self.aliases.push((key, status));
        Ok(self)
    }

    /// Reads dates with this strftime pattern (`%d/%m/%Y`); ISO dates are read as well.
    pub fn date_format(mut self, pattern: &str) -> Result<Self, DialectError> {
        if !pattern.contains('%') {
            return Err(DialectError(format!(
                "`{pattern}` is not a date pattern: write it with strftime fields, such as %d/%m/%Y"
            )));
        }
        // A pattern that cannot give a date gives none for any text: tried on a date and time it
        // writes (a pattern may hold a time: `%d/%m/%Y %H:%M`; the time is read and left).
        let sample = Date::constant(2025, 11, 28).at(13, 45, 30, 0);
        let written = jiff::fmt::strtime::format(pattern, sample)
            .map_err(|e| DialectError(format!("`{pattern}` is not a date pattern: {e}")))?;
        if parse_with(pattern, &written) != Some(sample.date()) {
            return Err(DialectError(format!(
                "`{pattern}` does not name a whole date: it needs the year, the month and the day (such as %d/%m/%Y)"
            )));
        }
        self.date_format = Some(pattern.to_owned());
        Ok(self)
    }

    /// Parses `--columns learner=UserID,ref=Activity` (our name = their header).
    pub fn with_columns(mut self, list: &str) -> Result<Self, DialectError> {
        for pair in list.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((ours, theirs)) = pair.split_once('=') else {
                return Err(DialectError(format!(
                    "`{}` is not OURS=THEIRS: write learner=UserID",
                    pair.trim()
                )));
            };
            self = self.column(ours, theirs)?;
        }
        Ok(self)
    }

    /// Parses `--status-alias passed=met,failed=not-met` (their value = our status).
    pub fn with_status_aliases(mut self, list: &str) -> Result<Self, DialectError> {
        for pair in list.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((theirs, ours)) = pair.split_once('=') else {
                return Err(DialectError(format!(
                    "`{}` is not THEIRS=STATUS: write passed=met",
                    pair.trim()
                )));
            };
            self = self.status_alias(theirs, ours)?;
        }
        Ok(self)
    }

    /// The status a value of theirs stands for: one of ours, or an alias, compared as keys.
    pub fn status(&self, value: &str) -> Option<EvidenceStatus> {
        let key = qualification_key(value);
        self.aliases
            .iter()
            .find(|(k, _)| *k == key)
            .map(|&(_, s)| s)
            .or_else(|| EvidenceStatus::parse(&key))
    }

    /// A date: ISO `YYYY-MM-DD`, or as the pattern writes it.
    pub fn date(&self, value: &str) -> Option<Date> {
        super::records::parse_date(value)
            .or_else(|| parse_with(self.date_format.as_deref()?, value))
    }

    /// The date pattern, if one was given.
    pub fn date_pattern(&self) -> Option<&str> {
        self.date_format.as_deref()
    }

    /// How dates are to be written, for messages.
    pub(super) fn date_help(&self) -> String {
        match &self.date_format {
            Some(p) => format!("write dates as YYYY-MM-DD or as `{p}`"),
            None => "write dates as YYYY-MM-DD (or give --date-format for another form)".to_owned(),
        }
    }

    /// The statuses read, for messages.
    pub(super) fn status_help(&self) -> String {
        if self.aliases.is_empty() {
            "use one of met, not-met, exempt (or map yours with --status-alias passed=met)"
                .to_owned()
        } else {
            let aliases: Vec<&str> = self.aliases.iter().map(|(k, _)| k.as_str()).collect();
            format!(
                "use one of met, not-met, exempt, or an alias: {}",
                aliases.join(", ")
            )
        }
    }
}

/// A date read with a strftime pattern (only the date: a time in the pattern is read and left).
fn parse_with(pattern: &str, value: &str) -> Option<Date> {
    jiff::fmt::strtime::parse(pattern, value.trim())
        .ok()?
        .to_date()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_as_keys_and_through_aliases() {
        let d = RecordsDialect::default()
            .with_status_aliases("Passed=met, failed = not met")
            .unwrap();
        for (v, s) in [
            ("MET", EvidenceStatus::Met),
            ("Met", EvidenceStatus::Met),
            ("not met", EvidenceStatus::NotMet),
            ("Not_Met", EvidenceStatus::NotMet),
            ("passed", EvidenceStatus::Met),
            ("FAILED", EvidenceStatus::NotMet),
            (" exempt ", EvidenceStatus::Exempt),
        ] {
            assert_eq!(d.status(v), Some(s), "{v}");
        }
        assert_eq!(d.status("attempted"), None);
        assert!(RecordsDialect::default().status_alias("x", "done").is_err());
    }

    #[test]
    fn day_first_dates_with_a_pattern() {
        let d = RecordsDialect::default().date_format("%d/%m/%Y").unwrap();
        assert_eq!(d.date("10/02/2025"), Some(Date::constant(2025, 2, 10)));
        assert_eq!(d.date("2025-02-10"), Some(Date::constant(2025, 2, 10)));
        assert_eq!(d.date("31/02/2025"), None);
        assert_eq!(RecordsDialect::default().date("10/02/2025"), None);
        assert!(RecordsDialect::default().date_format("%d/%m").is_err());
        assert!(RecordsDialect::default().date_format("dd/mm/yyyy").is_err());
        let timed = RecordsDialect::default()
            .date_format("%d/%m/%Y %H:%M")
            .unwrap();
        assert_eq!(
            timed.date("06/01/2025 14:32"),
            Some(Date::constant(2025, 1, 6))
        );
    }

    #[test]
    fn columns_are_ours_to_theirs() {
        let d = RecordsDialect::default()
            .with_columns("learner=UserID, ref=Activity")
            .unwrap();
        assert_eq!(d.header("learner"), "UserID");
        assert_eq!(d.header("status"), "status");
        let either = RecordsDialect::default()
            .with_columns("learner=UserID | Learner ID,ref=Activity")
            .unwrap();
        assert_eq!(either.names("learner"), ["UserID", "Learner ID"]);
        assert_eq!(either.header("learner"), "UserID|Learner ID");
        assert_eq!(
            either.headers(&LEARNER_FIELDS),
            [
                "UserID",
                "Learner ID",
                "role",
                "start_date",
                "qualifications"
            ]
        );
        assert!(RecordsDialect::default().with_columns("learner=|").is_err());
        assert!(
            RecordsDialect::default()
                .with_columns("user=UserID")
                .is_err()
        );
        assert!(RecordsDialect::default().with_columns("learner").is_err());
    }
}
