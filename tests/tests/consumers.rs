//! Consumer checks: what the systems that read our exports accept, written from their published
//! code (not from our importers), and every shipped framework's export held to them.
//!
//! Moodle: `admin/tool/lpimportcsv/classes/framework_importer.php` (moodle/moodle @ 5181476)
//! with `core_competency\competency_framework::get_taxonomies_list()`: columns by position, one
//! row with `Is framework` set, every taxonomy term one of Moodle's, competencies placed under
//! the parent whose ID number equals theirs by PHP's loose `==`, and a competency created only
//! when its ID number and short name are not `empty()` (so `0` is skipped with its subtree).

mod common;

use framework_core::Catalog;
use framework_core::interop::moodle;

/// Moodle's taxonomy terms (`competency_framework::get_taxonomies_list`).
const MOODLE_TAXONOMIES: [&str; 11] = [
    "behaviour",
    "competency",
    "concept",
    "domain",
    "indicator",
    "level",
    "outcome",
    "practice",
    "proficiency",
    "skill",
    "value",
];

/// PHP 8's `is_numeric` on a string (leading and trailing white space allowed).
fn php_numeric(s: &str) -> Option<f64> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && t.chars().any(|c| c.is_ascii_digit());
    t.parse::<f64>().ok().filter(|_| ok)
}

/// PHP 8's `==` between two strings: as numbers when both are numeric, else as text.
fn php_loose_eq(a: &str, b: &str) -> bool {
    match (php_numeric(a), php_numeric(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// PHP's `empty()` on a string.
fn php_empty(s: &str) -> bool {
    s.is_empty() || s == "0"
}

/// Runs Moodle's importer's checks on a CSV: the number of competencies it would create, or why
/// it would refuse the file or build a different tree.
fn moodle_accepts(csv: &str) -> Result<usize, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv.as_bytes());
    let mut framework = None;
    let mut flat: Vec<(String, String, String)> = Vec::new(); // parent, idnumber, shortname
    for row in reader.records() {
        let row = row.map_err(|e| format!("invalidimportfile: {e}"))?;
        if row.len() != 14 {
            return Err(format!("a row of {} columns, not 14", row.len()));
        }
        let col = |n: usize| row.get(n).unwrap_or("").to_owned();
        if !php_empty(&col(12)) {
            framework = Some((col(5), col(6), col(13)));
        } else {
            flat.push((col(0), col(1), col(2)));
        }
    }
    let Some((scale, config, taxonomy)) = framework else {
        return Err("invalidimportfile: no framework row".into());
    };
    for term in taxonomy.split(',') {
        if !MOODLE_TAXONOMIES.contains(&term) {
            return Err(format!("invalidtaxonomy: `{term}`"));
        }
    }
    if scale.is_empty() {
        return Err("the framework has no scale values".into());
    }
    let config: serde_json::Value =
        serde_json::from_str(&config).map_err(|e| format!("scale configuration: {e}"))?;
    if !config[0].is_object() {
        return Err("the scale configuration's first entry is not an object".into());
    }
    // add_children: every competency whose parent ID number == the node's, recursively.
    let mut created = vec![0usize; flat.len()];
    let mut stack: Vec<(String, bool)> = vec![(String::new(), true)];
    while let Some((parent, alive)) = stack.pop() {
        for (n, (p, id, short)) in flat.iter().enumerate() {
            if php_loose_eq(p, &parent) {
                let made = alive && !php_empty(id) && !php_empty(short);
                if made {
                    created[n] += 1;
                }
                if created[n] > 1 {
                    return Err(format!("`{id}` would be created under two parents"));
                }
                if !(parent.is_empty() && p.is_empty()) && p != &parent {
                    return Err(format!(
                        "`{id}` would be placed under `{parent}`, not `{p}`"
                    ));
                }
                stack.push((id.clone(), made));
            }
        }
    }
    if let Some(n) = created.iter().position(|&c| c == 0) {
        return Err(format!("`{}` would not be created", flat[n].1));
    }
    Ok(flat.len())
}

#[test]
fn every_shipped_framework_exports_a_csv_moodle_imports() {
    let catalog = Catalog::builtin();
    for fw in catalog.frameworks() {
        let (csv, _) = moodle::export(fw);
        let made = moodle_accepts(&csv).unwrap_or_else(|e| panic!("{}: {e}", fw.id()));
        assert_eq!(made, fw.items().len(), "{}", fw.id());
    }
}

#[test]
fn the_legacy_12_column_file_exports_a_taxonomy_moodle_accepts() {
    let path = common::root().join("fixtures/interop/moodle/lpimportcsv-2016-pharmacy-example.csv");
    let imported = moodle::import("pharmacy.csv", &std::fs::read(path).unwrap(), None);
    let mut b = Catalog::builder().builtin(false);
    for d in imported.documents() {
        b.add_document(d);
    }
    let catalog = b.build();
    let fw = &catalog.frameworks()[0];
    let (csv, _) = moodle::export(fw);
    assert_eq!(moodle_accepts(&csv), Ok(fw.items().len()));
}

#[test]
fn ids_php_reads_alike_are_warned_about_and_would_be_misplaced() {
    let text = "kind: framework\nid: loose\ntitle: Loose\nsource: test\ncompleteness: complete\nitems:\n  - id: \"1\"\n    title: One\n    items:\n      - { id: \"1.1\", title: A }\n      - { id: \"1.10\", title: B, items: [{ id: \"x\", title: X }] }\n  - { id: \"0\", title: Zero }\n";
    let mut b = Catalog::builder().builtin(false);
    b.add_bytes("loose.yaml", text.as_bytes());
    let catalog = b.build();
    let (csv, lost) = moodle::export(&catalog.frameworks()[0]);
    let messages: Vec<&str> = lost.iter().map(|d| d.message()).collect();
    assert!(
        messages.iter().any(|m| m.contains("`1.1` = `1.10`")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("ID number `0`")),
        "{messages:?}"
    );
    assert!(moodle_accepts(&csv).is_err());
}

#[test]
fn the_check_itself_knows_php() {
    assert!(php_loose_eq("1.1", "1.10"));
    assert!(php_loose_eq("1", "01"));
    assert!(!php_loose_eq("1.1a", "1.1"));
    assert!(php_empty("0") && !php_empty("00"));
}

/// OpenSALT's importer: the package must validate against its CASE 1.0 schema
/// (`core/config/schema/case-v1p0-cfpackage-schema.json`), and its association types are
/// CASE 1.0's nine; item types are stored from `CFItemTypeURI`, by identifier.
fn opensalt_accepts(package: &serde_json::Value) -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::root().join("fixtures/interop/opensalt-case-v1p0-cfpackage-schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).map_err(|e| e.to_string())?;
    if let Some(e) = validator.iter_errors(package).next() {
        return Err(format!("schema: {e} at {}", e.instance_path()));
    }
    let types: Vec<&str> = package["CFDefinitions"]["CFItemTypes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["identifier"].as_str())
        .collect();
    for item in package["CFItems"].as_array().into_iter().flatten() {
        if item.get("CFItemType").is_some() {
            let linked = item["CFItemTypeURI"]["identifier"].as_str().unwrap_or("");
            if !types.contains(&linked) {
                return Err(format!(
                    "item {} has no item type OpenSALT can store",
                    item["identifier"]
                ));
            }
        }
    }
    for a in package["CFAssociations"].as_array().into_iter().flatten() {
        for end in ["originNodeURI", "destinationNodeURI"] {
            if a[end].get("targetType").is_some() {
                return Err(format!("an association's {end} has a targetType"));
            }
        }
    }
    Ok(())
}

#[test]
fn every_shipped_framework_exports_a_package_opensalt_imports() {
    use framework_core::interop::case;
    let catalog = Catalog::builtin();
    let opensalt = case::ExportOptions {
        base_uri: None,
        profile: case::Profile::OpenSalt,
    };
    for fw in catalog.frameworks() {
        let package = case::export(&catalog, fw, &opensalt);
        opensalt_accepts(&package).unwrap_or_else(|e| panic!("{}: {e}", fw.id()));
        // The 1.1 profile is what OpenSALT refuses (links to other frameworks name their
        // type, and `close` is an `ext:` type) wherever the framework has mappings.
        let official = case::export(&catalog, fw, &case::ExportOptions::default());
        let mapped = catalog
            .mappings()
            .iter()
            .any(|m| &m.from == fw.id() || &m.to == fw.id());
        assert_eq!(opensalt_accepts(&official).is_err(), mapped, "{}", fw.id());
    }
}

#[test]
fn every_open_badges_alignment_has_one_url() {
    let catalog = Catalog::builtin();
    for cur in catalog.curricula() {
        let achievement =
            framework_core::interop::ob3::export(&catalog, cur.info.id.as_str(), None).unwrap();
        for a in achievement["alignment"].as_array().unwrap() {
            let url = a["targetUrl"].as_str().unwrap();
            let ok = (url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("urn:uuid:"))
                && !url.contains(char::is_whitespace)
                && !url.contains(';');
            assert!(ok, "{}: `{url}`", cur.info.id);
        }
    }
}

/// The official Open Badges 3.0 JSON Schema (the AchievementCredential's, whose
/// `credentialSubject.achievement` is an Achievement): every shipped curriculum's achievement,
/// placed in a credential with test values for what only an issuer knows, validates.
#[test]
fn every_open_badges_achievement_fits_the_official_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::root().join("fixtures/interop/ob3-achievementcredential-schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let catalog = Catalog::builtin();
    for cur in catalog.curricula() {
        let achievement =
            framework_core::interop::ob3::export(&catalog, cur.info.id.as_str(), None).unwrap();
        let credential = serde_json::json!({
            "@context": framework_core::interop::ob3::CONTEXT,
            "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": { "id": "https://example.org/issuer", "type": ["Profile"] },
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": { "type": ["AchievementSubject"], "achievement": achievement },
        });
        let errors: Vec<String> = validator
            .iter_errors(&credential)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", cur.info.id);
    }
}
