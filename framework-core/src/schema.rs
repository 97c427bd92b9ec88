//! JSON Schema of the four kinds of document (SPEC §1), generated with `schemars` from the
//! document shapes below, for editors: a YAML language server given the schema completes field
//! names, depths, relations and (with [`with_catalog`]) the catalog's framework ids and item
//! references, and flags a misspelt field as the loader would.
//!
//! The shapes mirror what the loader reads; a test holds each shape's fields to the loader's own
//! lists, so neither can change without the other. The loader stays the judge: the schema is
//! for completion and early hints, and what it allows the loader still checks (ids unique,
//! references resolved, cycles).

use std::borrow::Cow;
use std::collections::BTreeSet;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

use crate::catalog::Catalog;
use crate::model::{Completeness, Depth, DocumentKind, ItemType, Justification, Relation};

/// A type whose schema is written out: a text the loader reads with its own rules.
macro_rules! text_schema {
    ($(#[$doc:meta])* $name:ident = $schema_name:literal $schema:tt) => {
        $(#[$doc])*
        struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                $schema_name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

text_schema!(
    /// A framework item's reference: `FRAMEWORK:ITEM`, or a bare item id where the document
    /// names one framework.
    Ref = "Ref" {
        "type": "string",
        "minLength": 1,
        "description": "An item: FRAMEWORK:ITEM, or the bare ITEM where the document names one framework (quote ids that look like numbers, \"1.10\")"
    }
);

text_schema!(
    /// A document's id.
    DocumentId = "DocumentId" {
        "type": "string",
        "pattern": "^[a-z0-9][a-z0-9-]*$",
        "description": "A document id: lower case letters, digits and hyphens"
    }
);

text_schema!(
    /// A framework's id, as named by other documents.
    FrameworkId = "FrameworkId" {
        "type": "string",
        "pattern": "^[a-z0-9][a-z0-9-]*$",
        "description": "A framework's id (see `competence list`)"
    }
);

text_schema!(
    /// A time allowed: a whole number and a unit.
    Within = "Duration" {
        "type": "string",
        "pattern": "^[0-9]+(d|w|mo|y)$",
        "description": "A whole number and a unit: 30d, 16w, 6mo or 5y"
    }
);

text_schema!(
    /// A qualification level: a number (`2`) or text (`Entry 3`).
    Level = "Level" {
        "type": ["string", "integer"],
        "description": "A qualification level (RQF 1-8, or text such as `Entry 3`)"
    }
);

/// A closed set of words, as the loader accepts them.
fn words(all: &[&'static str], description: &str) -> Schema {
    json_schema!({ "type": "string", "enum": all, "description": description })
}

macro_rules! closed_schema {
    ($name:ident, $description:literal) => {
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let all: Vec<&'static str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                words(&all, $description)
            }
        }
    };
}

closed_schema!(
    Depth,
    "How deeply a session treats an item: introduced < practised < assessed"
);
closed_schema!(
    Relation,
    "A mapping link's relation (SKOS): read as `to` is ... of `from`"
);
closed_schema!(
    Completeness,
    "Whether all of the source is encoded (`partial`: list what is not in `missing`)"
);
closed_schema!(ItemType, "What kind of competence an item states");
closed_schema!(
    Justification,
    "Why a link says what it says: manual, lexical (a suggestion to review), composed, imported"
);

/// The fields every document has, written into each shape (so each keeps
/// `additionalProperties: false`).
macro_rules! document {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(JsonSchema)]
        #[schemars(deny_unknown_fields)]
        #[allow(dead_code)]
        struct $name {
            /// The kind of document.
            #[schemars(with = "String", extend("const" = $kind))]
            kind: (),
            /// The document's id, unique per kind in a catalog.
            id: DocumentId,
            /// The title (as published, for a framework).
            title: String,
            /// A short description.
            description: Option<String>,
            /// The edition or version.
            version: Option<String>,
            /// Where the official text lives (a citation or web address).
            source: Option<String>,
            /// Whether all of the source is encoded.
            completeness: Option<Completeness>,
            /// What is not encoded.
            missing: Option<Vec<String>>,
            /// A note from whoever wrote the document.
            note: Option<String>,
            $($(#[$fmeta])* $field: $ty,)*
        }
    };
}

document!(
    /// A competence framework (SPEC §1.1).
    FrameworkDocument, "framework" {
        /// Who publishes it.
        publisher: Option<String>,
        /// The names of its levels, from the top (`[standard, outcome, criterion]`).
        levels: Option<Vec<String>>,
        /// The top-level items.
        items: Vec<ItemShape>,
        /// The terms under which the source may be used.
        license_note: Option<String>,
        /// Fields from other systems, kept for export.
        extensions: Option<Map<String, Value>>,
        /// The framework's identifier in an outside system (a CASE, ESCO or CTDL URI).
        uri: Option<String>,
        /// The id of the framework's previous edition.
        replaces: Option<FrameworkId>,
        /// Ordered proficiency levels, lowest first.
        scale: Option<Vec<ScaleShape>>,
    }
);

/// One level of a proficiency scale.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "ScaleLevel")]
#[allow(dead_code)]
struct ScaleShape {
    /// The level's id.
    id: String,
    /// Its title.
    title: String,
}

/// A framework's item, with the items under it.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "Item")]
#[allow(dead_code)]
struct ItemShape {
    /// The id, as published (quote ids that look like numbers).
    id: String,
    /// Its level's name (one of the framework's `levels`).
    kind: Option<String>,
    /// The title, as published.
    title: String,
    /// What it asks, in our own words.
    statement: Option<String>,
    /// What kind of competence it states.
    #[schemars(rename = "type")]
    item_type: Option<ItemType>,
    /// Whether learners may leave it out.
    optional: Option<bool>,
    /// A qualification level (RQF): a number or text.
    level: Option<Level>,
    /// Credit value.
    credits: Option<f64>,
    /// Guided learning hours.
    glh: Option<f64>,
    /// Free tags.
    tags: Option<Vec<String>>,
    /// Where this item is published.
    source: Option<String>,
    /// Items to meet before this one.
    requires: Option<Vec<Ref>>,
    /// Other items of the framework it also sits under.
    also_under: Option<Vec<String>>,
    /// The items under it.
    items: Option<Vec<ItemShape>>,
    /// Fields from other systems, kept for export.
    extensions: Option<Map<String, Value>>,
    /// The item's identifier in an outside system (a CASE, ESCO or CTDL URI).
    uri: Option<String>,
    /// Other names for it.
    alt_labels: Option<Vec<String>>,
    /// A note (a scope note, for instance).
    note: Option<String>,
    /// Items of the same framework it is associated with (never coverage).
    related: Option<Vec<Ref>>,
    /// Items of an earlier edition it succeeds.
    replaces: Option<Vec<Ref>>,
}

document!(
    /// A curriculum: a course map (SPEC §1.3).
    CurriculumDocument, "curriculum" {
        /// Who runs it.
        provider: Option<String>,
        /// The frameworks it maps to (a bare ref is in the only one).
        frameworks: Vec<FrameworkId>,
        /// Modules, each with its sessions.
        modules: Option<Vec<ModuleShape>>,
        /// Sessions outside modules.
        sessions: Option<Vec<SessionShape>>,
        /// Assessments.
        assessments: Option<Vec<AssessmentShape>>,
    }
);

/// A module of sessions.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "Module")]
#[allow(dead_code)]
struct ModuleShape {
    /// The id, unique among the curriculum's modules.
    id: String,
    /// The title.
    title: Option<String>,
    /// A note.
    note: Option<String>,
    /// Its sessions, in teaching order.
    sessions: Option<Vec<SessionShape>>,
}

/// A session: what it covers, when and for how long.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "Session")]
#[allow(dead_code)]
struct SessionShape {
    /// The id, unique among the curriculum's sessions and assessments.
    id: String,
    /// The title.
    title: Option<String>,
    /// Its day in the programme.
    day: Option<u32>,
    /// Its week in the programme.
    week: Option<u32>,
    /// Its hours.
    hours: Option<f64>,
    /// A note.
    note: Option<String>,
    /// The items it covers: a ref (depth `introduced`) or `{ ref, depth }`.
    covers: Option<Vec<CoverShape>>,
}

/// An item a session covers.
#[derive(JsonSchema)]
#[schemars(untagged, rename = "Cover")]
#[allow(dead_code)]
enum CoverShape {
    /// A bare ref: depth `introduced`.
    Bare(Ref),
    /// A ref with its depth.
    Deep(CoverAt),
}

/// A ref with its depth.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct CoverAt {
    /// The item.
    #[schemars(rename = "ref")]
    item: Ref,
    /// How deeply (default `introduced`).
    depth: Option<Depth>,
    /// A note.
    note: Option<String>,
}

/// An assessment: the items it assesses.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "Assessment")]
#[allow(dead_code)]
struct AssessmentShape {
    /// The id, unique among the curriculum's sessions and assessments.
    id: String,
    /// The title.
    title: Option<String>,
    /// Its day in the programme.
    day: Option<u32>,
    /// Its week in the programme.
    week: Option<u32>,
    /// A note.
    note: Option<String>,
    /// The items it assesses (covered at depth `assessed`).
    assesses: Option<Vec<AssessesShape>>,
}

/// An item an assessment assesses.
#[derive(JsonSchema)]
#[schemars(untagged, rename = "Assesses")]
#[allow(dead_code)]
enum AssessesShape {
    /// A bare ref.
    Bare(Ref),
    /// A ref with a note.
    Noted(AssessedRef),
}

/// A ref with a note.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct AssessedRef {
    /// The item.
    #[schemars(rename = "ref")]
    item: Ref,
    /// A note.
    note: Option<String>,
}

document!(
    /// A mapping: a crosswalk between two frameworks (SPEC §1.4).
    MappingDocument, "mapping" {
        /// The framework mapped from.
        from: FrameworkId,
        /// The framework mapped to.
        to: FrameworkId,
        /// The links.
        links: Vec<LinkShape>,
        /// Items of `from` assessed and found to have no counterpart in `to`.
        no_match: Option<Vec<Ref>>,
    }
);

/// One link of a mapping.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "Link")]
#[allow(dead_code)]
struct LinkShape {
    /// An item of the `from` framework.
    from: Ref,
    /// An item of the `to` framework.
    to: Ref,
    /// How they relate.
    relation: Relation,
    /// Why.
    note: Option<String>,
    /// How sure a suggested or imported link is, from 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    confidence: Option<f64>,
    /// Why the link says what it says.
    justification: Option<Justification>,
}

document!(
    /// A role: the requirements learners must meet (SPEC §1.5).
    RoleDocument, "role" {
        /// The employer.
        organisation: Option<String>,
        /// The requirements.
        requirements: Vec<RequirementShape>,
    }
);

/// One requirement of a role.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "Requirement")]
#[allow(dead_code)]
struct RequirementShape {
    /// The id, unique in the role.
    id: String,
    /// The title.
    title: Option<String>,
    /// The items to meet (a non-leaf stands for its leaves).
    items: Vec<Ref>,
    /// When it counts as met: `all` (the default) or `{ min_ratio: 0.8 }`.
    rule: Option<RuleShape>,
    /// The time allowed from the learner's start date.
    within: Option<Within>,
    /// The refresher period: evidence older than this at the as-of date no longer counts.
    valid_for: Option<Within>,
    /// Conditions that, all holding, exempt the learner.
    exempt_if: Option<Vec<ConditionShape>>,
    /// A note.
    note: Option<String>,
}

/// When a requirement counts as met.
#[derive(JsonSchema)]
#[schemars(untagged, rename = "Rule")]
#[allow(dead_code)]
enum RuleShape {
    /// Every leaf.
    #[schemars(extend("const" = "all"))]
    All(String),
    /// A share of the leaves.
    Ratio(MinRatio),
}

/// A share of the leaves.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
struct MinRatio {
    /// From 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    min_ratio: f64,
}

/// An exemption condition.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "Condition")]
#[allow(dead_code)]
struct ConditionShape {
    /// A qualification's name, as learner records give it.
    qualification: String,
    /// How recent it must be.
    within: Option<Within>,
}

/// Any of the four kinds, told apart by `kind`.
#[derive(JsonSchema)]
#[schemars(untagged, rename = "Document")]
#[allow(dead_code)]
enum AnyDocument {
    Framework(FrameworkDocument),
    Curriculum(CurriculumDocument),
    Mapping(MappingDocument),
    Role(RoleDocument),
}

/// The schema of one kind of document, or of any kind (`None`), as a JSON value.
pub fn schema(kind: Option<DocumentKind>) -> Value {
    let schema = match kind {
        Some(DocumentKind::Framework) => schemars::schema_for!(FrameworkDocument),
        Some(DocumentKind::Curriculum) => schemars::schema_for!(CurriculumDocument),
        Some(DocumentKind::Mapping) => schemars::schema_for!(MappingDocument),
        Some(DocumentKind::Role) => schemars::schema_for!(RoleDocument),
        None => schemars::schema_for!(AnyDocument),
    };
    let mut value = schema.to_value();
    if let Some(map) = value.as_object_mut() {
        let title = match kind {
            Some(k) => format!("Competence Framework Engine {k} document"),
            None => "Competence Framework Engine document".to_owned(),
        };
        map.insert("title".to_owned(), Value::String(title));
    }
    value
}

/// A schema with the catalog's framework ids and item references offered as completions (each
/// still allowing any text of the right form, since a document may name what another file
/// adds): every framework's ids, every qualified reference, and every bare item id.
pub fn with_catalog(mut schema: Value, catalog: &Catalog) -> Value {
    let frameworks: Vec<String> = catalog
        .frameworks()
        .iter()
        .map(|f| f.info.id.to_string())
        .collect();
    let mut refs = BTreeSet::new();
    let mut qualified = Vec::new();
    for f in catalog.frameworks() {
        for item in f.items() {
            qualified.push(format!("{}:{}", f.info.id, item.id));
            refs.insert(item.id.to_string());
        }
    }
    qualified.extend(refs);
    let offer = |defs: &mut Map<String, Value>, name: &str, values: Vec<String>| {
        if let Some(old) = defs.remove(name) {
            defs.insert(
                name.to_owned(),
                serde_json::json!({ "anyOf": [ { "enum": values }, old ] }),
            );
        }
    };
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        offer(defs, "FrameworkId", frameworks);
        offer(defs, "Ref", qualified);
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{COMMON, curriculum, framework, mapping, role};

    /// The property names of a definition (or of the root).
    fn fields<'v>(schema: &'v Value, def: Option<&str>) -> BTreeSet<&'v str> {
        let node = match def {
            Some(d) => &schema["$defs"][d],
            None => schema,
        };
        node["properties"]
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    fn set<'a>(lists: &[&[&'a str]]) -> BTreeSet<&'a str> {
        lists.iter().flat_map(|l| l.iter().copied()).collect()
    }

    /// Each shape has exactly the fields the loader reads.
    #[test]
    fn shapes_have_the_loaders_fields() {
        let f = schema(Some(DocumentKind::Framework));
        assert_eq!(
            fields(&f, None),
            set(&[COMMON, framework::FRAMEWORK_FIELDS])
        );
        assert_eq!(fields(&f, Some("Item")), set(&[framework::ITEM_FIELDS]));
        assert_eq!(
            fields(&f, Some("ScaleLevel")),
            set(&[framework::SCALE_FIELDS])
        );
        let c = schema(Some(DocumentKind::Curriculum));
        assert_eq!(
            fields(&c, None),
            set(&[COMMON, curriculum::CURRICULUM_FIELDS])
        );
        assert_eq!(
            fields(&c, Some("Module")),
            set(&[curriculum::MODULE_FIELDS])
        );
        assert_eq!(
            fields(&c, Some("Session")),
            set(&[curriculum::SESSION_FIELDS])
        );
        assert_eq!(
            fields(&c, Some("CoverAt")),
            set(&[curriculum::COVER_FIELDS])
        );
        assert_eq!(
            fields(&c, Some("Assessment")),
            set(&[curriculum::ASSESSMENT_FIELDS])
        );
        assert_eq!(
            fields(&c, Some("AssessedRef")),
            set(&[curriculum::ASSESSES_FIELDS])
        );
        let m = schema(Some(DocumentKind::Mapping));
        assert_eq!(fields(&m, None), set(&[COMMON, mapping::MAPPING_FIELDS]));
        assert_eq!(fields(&m, Some("Link")), set(&[mapping::LINK_FIELDS]));
        let r = schema(Some(DocumentKind::Role));
        assert_eq!(fields(&r, None), set(&[COMMON, role::ROLE_FIELDS]));
        assert_eq!(
            fields(&r, Some("Requirement")),
            set(&[role::REQUIREMENT_FIELDS])
        );
        assert_eq!(
            fields(&r, Some("Condition")),
            set(&[role::CONDITION_FIELDS])
        );
        assert_eq!(fields(&r, Some("MinRatio")), set(&[role::RULE_FIELDS]));
    }

    #[test]
    fn the_catalog_offers_its_refs_and_framework_ids() {
        let catalog = Catalog::builtin();
        let s = with_catalog(schema(Some(DocumentKind::Curriculum)), &catalog);
        let offered = &s["$defs"]["Ref"]["anyOf"][0]["enum"];
        let offered: Vec<&str> = offered
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(offered.contains(&"hee-psw-2020:1.1.c1"));
        assert!(offered.contains(&"1.1.c1"));
        let depths = &s["$defs"]["Depth"]["enum"];
        assert_eq!(
            depths,
            &serde_json::json!(["introduced", "practised", "assessed"])
        );
    }
}
