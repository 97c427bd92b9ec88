//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `word`, if one is close enough to be a likely misspelling.
pub(crate) fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    // One edit in three characters; names of one or two characters only match case-insensitively.
    let len = word.chars().count();
    let limit = if len < 3 { 0 } else { (len / 3).max(1) };
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let c_lower = c.to_lowercase();
        let d = if c_lower == lower {
            0
        } else if lower.chars().count() >= 4 && c_lower.starts_with(&lower) {
            // A truncated name (`care-cert` for `care-certificate-2015`).
            limit
        } else {
            strsim::damerau_levenshtein(&lower, &c.to_lowercase())
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" when a candidate is close, else the fallback text.
pub(crate) fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("titel", ["id", "title", "items"]), Some("title"));
        assert_eq!(closest("2.7", ["2.6", "1.1"]), Some("2.6"));
        assert_eq!(closest("3", ["2", "1"]), None);
        assert_eq!(closest("a", ["A"]), Some("A"));
        assert_eq!(closest("Title", ["title"]), Some("title"));
        assert_eq!(closest("zzzzzz", ["title", "items"]), None);
        assert_eq!(closest("title", ["title"]), None);
        assert_eq!(
            closest("care-cert", ["hee-psw-2020", "care-certificate-2015"]),
            Some("care-certificate-2015")
        );
    }
}
