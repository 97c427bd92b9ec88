//! CASE 1.1's classes as the official JSON Schema has them: each class's fields with their
//! types, and the association types. Import checks packages against these (what it does not
//! know it keeps in `extensions`).

/// The type of a CASE field, for checking what a package holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum F {
    Text,
    Uuid,
    DateTime,
    Date,
    TextList,
    Link,
    LinkList,
    LinkGen,
    Int,
    Object,
}

pub(crate) const DOCUMENT_FIELDS: &[(&str, F)] = &[
    ("identifier", F::Uuid),
    ("uri", F::Text),
    ("frameworkType", F::Text),
    ("caseVersion", F::Text),
    ("creator", F::Text),
    ("title", F::Text),
    ("lastChangeDateTime", F::DateTime),
    ("officialSourceURL", F::Text),
    ("publisher", F::Text),
    ("description", F::Text),
    ("subject", F::TextList),
    ("subjectURI", F::LinkList),
    ("language", F::Text),
    ("version", F::Text),
    ("adoptionStatus", F::Text),
    ("statusStartDate", F::Date),
    ("statusEndDate", F::Date),
    ("licenseURI", F::Link),
    ("notes", F::Text),
    ("extensions", F::Object),
];

pub(crate) const ITEM_FIELDS: &[(&str, F)] = &[
    ("identifier", F::Uuid),
    ("fullStatement", F::Text),
    ("alternativeLabel", F::Text),
    ("CFItemType", F::Text),
    ("uri", F::Text),
    ("humanCodingScheme", F::Text),
    ("listEnumeration", F::Text),
    ("abbreviatedStatement", F::Text),
    ("conceptKeywords", F::TextList),
    ("conceptKeywordsURI", F::Link),
    ("notes", F::Text),
    ("subject", F::TextList),
    ("subjectURI", F::LinkList),
    ("language", F::Text),
    ("educationLevel", F::TextList),
    ("CFItemTypeURI", F::Link),
    ("licenseURI", F::Link),
    ("statusStartDate", F::Date),
    ("statusEndDate", F::Date),
    ("lastChangeDateTime", F::DateTime),
    ("extensions", F::Object),
];

pub(crate) const ASSOCIATION_FIELDS: &[(&str, F)] = &[
    ("identifier", F::Uuid),
    ("associationType", F::Text),
    ("sequenceNumber", F::Int),
    ("uri", F::Text),
    ("originNodeURI", F::LinkGen),
    ("destinationNodeURI", F::LinkGen),
    ("CFAssociationGroupingURI", F::Link),
    ("lastChangeDateTime", F::DateTime),
    ("notes", F::Text),
    ("extensions", F::Object),
];

/// CASE 1.0's association types: all OpenSALT's importer accepts.
pub const CASE_10_ASSOCIATION_TYPES: [&str; 9] = [
    "isChildOf",
    "isPeerOf",
    "isPartOf",
    "exactMatchOf",
    "precedes",
    "isRelatedTo",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
];

/// Whether a type is one of CASE 1.1's association types: CASE 1.0's and `isTranslationOf`.
pub(crate) fn is_association_type(kind: &str) -> bool {
    CASE_10_ASSOCIATION_TYPES.contains(&kind) || kind == "isTranslationOf"
}
