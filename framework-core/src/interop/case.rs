//! CASE (1EdTech Competencies and Academic Standards Exchange) 1.0 and 1.1 packages.
//!
//! **Import** reads a `CFPackage` (wrapped in `{"CFPackage": ...}` or not) into a framework
//! document. Items are nested by their `isChildOf` associations (an item with several parents is
//! nested under the first and names the others in `also_under`; an item with none is top-level).
//! Siblings are ordered by `sequenceNumber`, then by the natural order of `humanCodingScheme`
//! (`L1.2` before `L1.10`), then by package order. An item's id is its `humanCodingScheme` when
//! that is a usable, unique id, and its `identifier` otherwise; its title is the
//! `abbreviatedStatement` when there is one, and the `fullStatement` otherwise (which then becomes
//! the statement). Every other field, the associations that are not part of the tree, the
//! definitions and rubrics are kept in `extensions.case`, so an export gives them back. When
//! several packages are imported together, `exactMatchOf`, `isRelatedTo`, `isPartOf` and
//! `ext:closeMatch` associations between their items become mapping documents.
//!
//! Real packages break the schema in known ways; each is accepted with a warning: a wrapped
//! package, `null` values (read as absent), a `sequenceNumber` written as text, timestamps
//! without a time zone (read as UTC), identifiers in upper case (read in lower case) or not in
//! UUID form, fields CASE 1.1 does not have (kept, and exported inside `extensions`), and a
//! link written as plain text.
//!
//! **Export** writes a CASE 1.1 package that validates against the official schema. Identifiers
//! are kept from an import, and otherwise derived as UUIDv5 from the framework and item ids, so
//! the same framework always gives the same identifiers. The tree is written as `isChildOf`
//! associations with `sequenceNumber`s, item kinds as `CFItemType`s (with their definitions),
//! and the catalog's mappings that touch the framework as associations to the other framework's
//! items. The engine's own fields that CASE lacks (`type`, `optional`, `tags`, `requires`, ...)
//! travel in each object's `extensions` under `competence-engine`.

//!
//! The module is split as the format is: `schema` (CASE 1.1's classes, fields and
//! association types, as the official JSON Schema has them), `import` and `export`.

mod export;
mod import;
mod schema;

pub use export::{ExportOptions, Profile, export, export_with_losses, item_uri};
pub use import::import;
pub use schema::CASE_10_ASSOCIATION_TYPES;

/// The key of CASE's own fields in a document's or item's `extensions`.
pub const KEY: &str = "case";

/// An object's `uri` when no base is given.
pub(crate) fn default_uri(identifier: &str) -> String {
    format!("urn:uuid:{identifier}")
}

/// The `creator` written when the framework names no publisher.
pub(crate) fn default_creator(publisher: Option<&str>) -> &str {
    publisher.unwrap_or("Competence Framework Engine")
}
