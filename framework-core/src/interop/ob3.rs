//! Open Badges 3.0: a curriculum as an `Achievement` aligned to the framework items it covers.
//!
//! The achievement stands for completing the curriculum. It has one `Alignment` per framework
//! item the curriculum covers (each framework the curriculum lists, in framework order; items
//! covered only partially are left out): `targetName` the item's title, `targetCode` its id,
//! `targetFramework` the framework's title, `targetDescription` its statement, and `targetUrl`
//! its CASE uri with `targetType: CFItem` where it has one (the framework came from a CASE
//! package, or `base_uri` says where its CASE export is published). Otherwise `targetUrl` is the
//! framework's `source` when that is a web address, and the item's `urn:uuid:` name when not.

use serde_json::{Map, Value, json};

use super::{case, derived_uuid, put};
use crate::catalog::Catalog;
use crate::coverage::{AnalysisError, coverage};

/// The Open Badges 3.0 JSON-LD contexts of an achievement.
pub const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
];

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
            let url = if is_case {
                uri
            } else {
                match &fw.info.source {
                    Some(s) if s.starts_with("https://") || s.starts_with("http://") => s.clone(),
                    _ => uri,
                }
            };
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
