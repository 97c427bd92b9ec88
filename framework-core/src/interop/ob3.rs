//! Open Badges 3.0: a curriculum as an `Achievement` aligned to the framework items it covers.
//!
//! The achievement stands for completing the curriculum. It has one `Alignment` per framework
//! item the curriculum covers (each framework the curriculum lists, in framework order; items
//! covered only partially are left out): `targetName` the item's title, `targetCode` its id,
//! `targetFramework` the framework's title, `targetDescription` its statement, and `targetUrl`
//! one address: the item's own `uri` when it is a web address; else its CASE uri with
//! `targetType: CFItem` where it has one (the framework came from a CASE package, or `base_uri`
//! says where its CASE export is published); else the first web address in the framework's
//! `source` (which may list several); else the item's `urn:uuid:` name.

use serde_json::{Map, Value, json};

use super::{case, derived_uuid, put};
use crate::catalog::Catalog;
use crate::coverage::{AnalysisError, coverage};

/// The Open Badges 3.0 JSON-LD contexts of an achievement.
pub const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
];

/// The first web address in a text (`source` often lists several, joined with ` ; `): from
/// `http://` or `https://` to the first space, `;` or `,`, or the end.
pub fn web_address(text: &str) -> Option<&str> {
    let start = text
        .find("https://")
        .into_iter()
        .chain(text.find("http://"))
        .min()?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '"' | '<' | '>'))
        .unwrap_or(rest.len());
    let url = rest[..end].trim_end_matches(['.', ')']);
    (url.len() > "https://".len()).then_some(url)
}

/// A curriculum as an Open Badges 3.0 `Achievement`.
pub fn export(
    catalog: &Catalog,
    curriculum: &str,
    base_uri: Option<&str>,
) -> Result<Value, AnalysisError> {
    let Some(cur) = catalog.curriculum(curriculum) else {
        // The analysis gives the usual error, with its suggestion.
        coverage(catalog, curriculum, None)?;
        return Ok(Value::Null);
    };
    let mut alignments = Vec::new();
    for fw_id in &cur.frameworks {
        let report = coverage(catalog, curriculum, Some(fw_id.as_str()))?;
        let Some(fw) = catalog.framework(fw_id.as_str()) else {
            continue;
        };
        for row in report.items.iter().filter(|r| r.covered) {
            let Some(item) = row
                .item
                .item_id()
                .and_then(|i| fw.find(i.as_str()))
                .and_then(|i| fw.item(i))
            else {
                continue;
            };
            let (uri, is_case) = case::item_uri(fw, item, base_uri);
            // One address: the item's own URI when it is a web address, its CASE uri, the
            // first web address in the framework's `source`, or its `urn:uuid:` name.
            let own = item.uri.as_deref().filter(|u| web_address(u) == Some(*u));
            let url = match (own, is_case) {
                (Some(u), _) => u.to_owned(),
                (None, true) => uri,
                (None, false) => fw
                    .info
                    .source
                    .as_deref()
                    .and_then(web_address)
                    .map_or(uri, str::to_owned),
            };
            let is_case = is_case && own.is_none();
            let mut a = Map::new();
            a.insert("type".into(), json!(["Alignment"]));
            a.insert("targetName".into(), json!(item.title));
            a.insert("targetUrl".into(), json!(url));
            put(&mut a, "targetDescription", json!(item.statement));
            a.insert("targetCode".into(), json!(item.id.as_str()));
            a.insert("targetFramework".into(), json!(fw.info.title));
            if is_case {
                a.insert("targetType".into(), json!("CFItem"));
            }
            alignments.push(Value::Object(a));
        }
    }
    let identifier = derived_uuid(&["achievement", curriculum]);
    let id = match base_uri {
        Some(b) => format!("{b}{identifier}"),
        None => format!("urn:uuid:{identifier}"),
    };
    let title = &cur.info.title;
    let provider = cur
        .provider
        .as_deref()
        .map(|p| format!(" with {p}"))
        .unwrap_or_default();
    let mut m = Map::new();
    m.insert("@context".into(), json!(CONTEXT));
    m.insert("id".into(), json!(id));
    m.insert("type".into(), json!(["Achievement"]));
    m.insert("achievementType".into(), json!("Course"));
    m.insert("name".into(), json!(title));
    m.insert(
        "description".into(),
        json!(
            cur.info
                .description
                .clone()
                .unwrap_or_else(|| format!("Completing the course {title}{provider}."))
        ),
    );
    m.insert(
        "criteria".into(),
        json!({ "narrative": format!("Attend every session of {title}{provider} and pass its assessments.") }),
    );
    m.insert("alignment".into(), Value::Array(alignments));
    Ok(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::web_address;

    #[test]
    fn the_first_web_address_of_a_source_is_one_url() {
        assert_eq!(
            web_address("https://a.example/x ; https://b.example/y"),
            Some("https://a.example/x")
        );
        assert_eq!(
            web_address("See http://a.example/p. Then"),
            Some("http://a.example/p")
        );
        assert_eq!(web_address("a printed book, page 3"), None);
        assert_eq!(web_address("https://"), None);
    }
}
