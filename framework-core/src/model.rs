//! The validated document model: frameworks, curricula, mappings and roles (SPEC §1).
//!
//! Documents are read from YAML or JSON by [`crate::catalog`]; every reference in them has been
//! qualified (`FRAMEWORK:ITEM`) and, once in a [`crate::Catalog`], checked to exist.

use std::fmt;

use serde::Serialize;

use crate::diagnostic::Loc;
use crate::ids::{DocId, ItemRef};

mod framework;
mod other;

pub use framework::{Framework, FrameworkView, Item, ItemIdx, ScaleLevel};
pub use other::{
    Assessment, Condition, Cover, Curriculum, Duration, DurationUnit, Link, Mapping, MappingView,
    Module, Requirement, Role, RoleView, Rule, Session,
};

macro_rules! closed_set {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant,)*
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The value as written in documents.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// Reads the value as written in documents.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl crate::cache::Stored for $name {
            fn put(&self, o: &mut crate::cache::Out<'_>) {
                let n = $name::ALL.iter().position(|v| v == self).unwrap_or_default();
                o.varint(n as u64);
            }
            fn take(i: &mut crate::cache::In<'_>) -> Option<Self> {
                $name::ALL.get(i.usize()?).copied()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_set!(
    /// The four kinds of document.
    DocumentKind {
        /// A competence framework.
        Framework = "framework",
        /// A curriculum (a course map).
        Curriculum = "curriculum",
        /// A crosswalk between two frameworks.
        Mapping = "mapping",
        /// A role's requirements.
        Role = "role",
    }
);

closed_set!(
    /// Whether a document encodes all of its source.
    Completeness {
        /// Everything the source holds is encoded.
        Complete = "complete",
        /// Some of the source is not encoded; `missing` says what.
        Partial = "partial",
    }
);

closed_set!(
    /// What kind of competence an item states.
    ItemType {
        /// Knowing or understanding.
        Knowledge = "knowledge",
        /// Being able to do.
        Skill = "skill",
        /// A way of acting.
        Behaviour = "behaviour",
        /// Doing, observed in practice.
        Performance = "performance",
        /// A value held.
        Value = "value",
    }
);

closed_set!(
    /// How deeply a session treats an item, in increasing order.
    Depth {
        /// Introduced.
        Introduced = "introduced",
        /// Practised.
        Practised = "practised",
        /// Assessed.
        Assessed = "assessed",
    }
);

closed_set!(
    /// A mapping link's relation (SKOS), read as "the `to` item is ... of the `from` item".
    Relation {
        /// The same competence.
        Exact = "exact",
        /// The same competence, closely enough to use either.
        Close = "close",
        /// The `to` item is narrower: it lies wholly inside the `from` item.
        Narrow = "narrow",
        /// The `to` item is broader: the `from` item covers only part of it.
        Broad = "broad",
        /// Associated; never counts as coverage.
        Related = "related",
    }
);

closed_set!(
    /// Why a mapping link says what it says (SPEC §1.4).
    Justification {
        /// A person judged it.
        Manual = "manual",
        /// Suggested by comparing titles and statements (to be reviewed).
        Lexical = "lexical",
        /// Composed from other mappings.
        Composed = "composed",
        /// Read from another system's mapping (SSSOM, CTDL, CASE).
        Imported = "imported",
    }
);

impl Relation {
    /// The relation read backwards (from `to` to `from`): `narrow` and `broad` swap.
    pub fn inverse(self) -> Self {
        match self {
            Relation::Narrow => Relation::Broad,
            Relation::Broad => Relation::Narrow,
            other => other,
        }
    }
}

/// What every document has, whatever its kind.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    /// The kind.
    pub kind: DocumentKind,
    /// The id, unique per kind in a catalog.
    pub id: DocId,
    /// The title.
    pub title: String,
    /// A short description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The edition or version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Where the official text lives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whether all of the source is encoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completeness: Option<Completeness>,
    /// What is not encoded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// A note from whoever wrote the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where the document's `id` is written.
    #[serde(skip)]
    pub(crate) loc: Loc,
    /// References in entries that were dropped for other problems (a duplicate id, an unknown
    /// relation): still checked, so that every problem is reported in one run.
    #[serde(skip)]
    pub(crate) dropped_refs: Vec<LocatedRef>,
}

impl DocumentInfo {
    /// The file the document was read from.
    pub fn file(&self) -> &str {
        self.loc.source.name()
    }

    /// Where the document's id is written.
    pub fn position(&self) -> crate::diagnostic::Position {
        crate::diagnostic::Position::from(&self.loc)
    }

    /// Whether the document is one of those shipped inside the engine.
    pub fn is_builtin(&self) -> bool {
        self.loc.source.is_builtin()
    }
}

/// A document of any kind.
#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "one per file while loading; boxing would cost an allocation for nothing"
)]
pub enum Document {
    /// A framework.
    Framework(Framework),
    /// A curriculum.
    Curriculum(Curriculum),
    /// A mapping.
    Mapping(Mapping),
    /// A role.
    Role(Role),
}

impl Document {
    /// The common fields.
    pub fn info(&self) -> &DocumentInfo {
        match self {
            Document::Framework(d) => &d.info,
            Document::Curriculum(d) => &d.info,
            Document::Mapping(d) => &d.info,
            Document::Role(d) => &d.info,
        }
    }
}

/// An item reference together with where it was written.
#[derive(Debug, Clone)]
pub(crate) struct LocatedRef {
    pub r: ItemRef,
    pub loc: Loc,
}
