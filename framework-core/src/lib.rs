//! The Competence Framework Engine's core: competence frameworks, curricula, crosswalks and
//! roles as one graph, loaded from YAML or JSON with precise diagnostics.
//!
//! ```
//! use framework_core::Catalog;
//!
//! // The shipped documents, plus the user's own files.
//! let mut builder = Catalog::builder();
//! builder.add_bytes("my-course.yaml", b"kind: curriculum\nid: my-course\ntitle: My course\n\
//!     frameworks: [care-certificate-2015]\nsessions:\n  - { id: s1, title: Day 1, covers: [\"1.1a\"] }\n");
//! let catalog = builder.build();
//! assert!(!catalog.has_errors());
//! let course = catalog.curriculum("my-course").unwrap();
//! assert_eq!(course.sessions[0].covers[0].target.to_string(), "care-certificate-2015:1.1a");
//! ```
#![warn(missing_docs)]

mod analysis;
mod builder;
pub mod cache;
pub mod catalog;
pub mod composition;
pub mod coverage;
pub mod crosswalk;
mod cycles;
pub mod diagnostic;
pub mod diff;
pub mod error;
pub mod files;
pub mod gaps;
pub mod graph;
pub mod hierarchy;
pub mod ids;
pub mod interop;
pub mod learners;
mod load;
pub mod matrix;
pub mod migrate;
pub mod model;
pub mod report;
pub mod safe;
#[cfg(feature = "schema")]
pub mod schema;
mod suggest;
#[cfg(feature = "arrow")]
pub mod table;
mod validate;
mod yaml;

pub use builder::CatalogBuilder;
pub use catalog::{Catalog, CatalogError, DocumentRef};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use error::AnalysisError;
pub use graph::{ActivityHandle, CompetenceGraph, ItemHandle, Target};
pub use ids::{DocId, FrameworkId, ItemId, ItemRef, LocalId};
pub use yaml::MAX_FILE_BYTES;
