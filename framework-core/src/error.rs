//! Why a command or call cannot run at all (as opposed to problems inside documents, which are
//! [`crate::Diagnostic`]s). Every error here has a fatal [`Code`] of the one code table.

use crate::diagnostic::Code;

/// Why an analysis cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum AnalysisError {
    /// The curriculum is not in the catalog.
    #[error("unknown curriculum `{id}`")]
    #[diagnostic(code("unknown-curriculum"))]
    UnknownCurriculum {
        /// The id asked for.
        id: String,
        /// A close id, if any.
        #[help]
        help: Option<String>,
    },
    /// The framework is not in the catalog.
    #[error("unknown framework `{id}`")]
    #[diagnostic(code("unknown-framework"))]
    UnknownFramework {
        /// The id asked for.
        id: String,
        /// A close id, if any.
        #[help]
        help: Option<String>,
    },
    /// The curriculum names no framework and none was given.
    #[error("curriculum `{id}` lists no framework")]
    #[diagnostic(code("no-framework"), help("name one with `--framework FRAMEWORK`"))]
    NoFramework {
        /// The curriculum.
        id: String,
    },
    /// A document that is not in the catalog.
    #[error("unknown {what} `{id}`")]
    #[diagnostic(code("unknown-id"))]
    UnknownDocument {
        /// The id asked for.
        id: String,
        /// What was expected ("framework or role").
        what: String,
        /// A close id, if any.
        #[help]
        help: Option<String>,
    },
    /// No role has this id.
    #[error("unknown role `{id}`")]
    #[diagnostic(code("unknown-role"))]
    UnknownRole {
        /// The id asked for.
        id: String,
        /// A close id, if any.
        #[help]
        help: Option<String>,
    },
    /// A document that is not of the kind the analysis needs.
    #[error("`{id}` is a {kind}, not a {expected}")]
    #[diagnostic(code("wrong-kind"))]
    WrongKind {
        /// The id.
        id: String,
        /// Its kind.
        kind: String,
        /// The kind needed.
        expected: String,
    },
}

impl AnalysisError {
    /// The advice that goes with the error ("did you mean ..."), if any.
    pub fn suggestion(&self) -> Option<String> {
        miette::Diagnostic::help(self).map(|h| h.to_string())
    }

    /// The error's code.
    pub fn error_code(&self) -> Code {
        match self {
            AnalysisError::UnknownCurriculum { .. } => Code::UnknownCurriculum,
            AnalysisError::UnknownFramework { .. } => Code::UnknownFramework,
            AnalysisError::UnknownRole { .. } => Code::UnknownRole,
            AnalysisError::NoFramework { .. } => Code::NoFramework,
            AnalysisError::UnknownDocument { .. } => Code::UnknownId,
            AnalysisError::WrongKind { .. } => Code::WrongKind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_carries_a_fatal_code_of_the_table() {
        let errors = [
            AnalysisError::UnknownCurriculum {
                id: "x".into(),
                help: None,
            },
            AnalysisError::UnknownFramework {
                id: "x".into(),
                help: None,
            },
            AnalysisError::UnknownRole {
                id: "x".into(),
                help: None,
            },
            AnalysisError::NoFramework { id: "x".into() },
            AnalysisError::UnknownDocument {
                id: "x".into(),
                what: "y".into(),
                help: None,
            },
            AnalysisError::WrongKind {
                id: "x".into(),
                kind: "y".into(),
                expected: "z".into(),
            },
        ];
        for e in errors {
            let miette_code = miette::Diagnostic::code(&e).map(|c| c.to_string());
            assert_eq!(miette_code.as_deref(), Some(e.error_code().as_str()));
            assert!(e.error_code().is_fatal());
        }
    }
}
