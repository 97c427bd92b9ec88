//! Telling an import file's format from its contents, so that a file given to the wrong
//! importer (an ESCO skills CSV to `import moodle`) is named for what it is, instead of being
//! misread into hundreds of errors.

/// The formats the engine imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A CASE package (JSON with `CFDocument`).
    Case,
    /// A Moodle competency framework CSV.
    Moodle,
    /// An ESCO skills CSV, or the ESCO skills hierarchy.
    Esco,
    /// An SSSOM mapping set (TSV).
    Sssom,
    /// OpenSALT's generic CSV.
    OpensaltCsv,
    /// CTDL JSON-LD (Credential Engine).
    Ctdl,
    /// A DIRECT framework's linked CSVs.
    Direct,
}

impl Format {
    /// The `import` subcommand's name for it.
    pub fn command(self) -> &'static str {
        match self {
            Format::Case => "case",
            Format::Moodle => "moodle",
            Format::Esco => "esco",
            Format::Sssom => "sssom",
            Format::OpensaltCsv => "opensalt-csv",
            Format::Ctdl => "ctdl",
            Format::Direct => "direct",
        }
    }

    /// What it is, in words.
    pub fn described(self) -> &'static str {
        match self {
            Format::Case => "a CASE package",
            Format::Moodle => "a Moodle competency CSV",
            Format::Esco => "an ESCO skills CSV",
            Format::Sssom => "an SSSOM mapping set",
            Format::OpensaltCsv => "an OpenSALT CSV",
            Format::Ctdl => "a CTDL (Credential Engine) JSON-LD file",
            Format::Direct => "a DIRECT framework CSV",
        }
    }
}

/// The format a file's first bytes show, when they show one.
pub fn recognise(bytes: &[u8]) -> Option<Format> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') || text.starts_with('[') {
        if text.contains("\"CFDocument\"") || text.contains("\"CFPackage\"") {
            return Some(Format::Case);
        }
        if text.contains("ceterms:") || text.contains("ceasn:") {
            return Some(Format::Ctdl);
        }
        return None;
    }
    // The header: the first line that is not an SSSOM metadata line.
    let header = text.lines().find(|l| !l.starts_with('#')).unwrap_or("");
    let cells: Vec<String> = header
        .split([',', '\t'])
        .map(|c| {
            c.trim()
                .trim_matches('"')
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        })
        .collect();
    let has = |n: &str| cells.iter().any(|c| c == n);
    if has("subjectid") && has("objectid") {
        return Some(Format::Sssom);
    }
    if (has("concepturi") && has("preferredlabel"))
        || has("level0uri")
        || (has("occupationuri") && has("skilluri"))
    {
        return Some(Format::Esco);
    }
    if has("fullstatement") && (has("humancodingscheme") || has("ischildof")) {
        return Some(Format::OpensaltCsv);
    }
    if (has("parentidnumber") || has("parentid")) && (has("idnumber") || has("shortname")) {
        return Some(Format::Moodle);
    }
    if has("slug") && (has("competencydomain") || has("competency") || has("rank")) {
        return Some(Format::Direct);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_told_by_its_first_bytes() {
        let cases: [(&str, Option<Format>); 7] = [
            ("{\"CFDocument\": {}}", Some(Format::Case)),
            (
                "{\"@graph\": [{\"@type\": \"ceterms:AlignmentMap\"}]}",
                Some(Format::Ctdl),
            ),
            (
                "# curie_map:\nsubject_id\tpredicate_id\tobject_id\n",
                Some(Format::Sssom),
            ),
            (
                "conceptType,conceptUri,preferredLabel\n",
                Some(Format::Esco),
            ),
            (
                "\"Identifier\",\"fullStatement\",\"Human Coding Scheme\"\n",
                Some(Format::OpensaltCsv),
            ),
            (
                "\"Parent id number\",\"Id number\",Shortname\n",
                Some(Format::Moodle),
            ),
            (
                "name,description,slug,competency_domain,rank\n",
                Some(Format::Direct),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(recognise(text.as_bytes()), want, "{text}");
        }
        assert_eq!(recognise(b"a,b,c\n1,2,3\n"), None);
    }
}
