//! Several files read as one. A multi-file import (ESCO, DIRECT) builds one document from the
//! rows of every file, and a document tree has one source; so each file is given a range of
//! offsets after the one before it, a row is placed at its own file's range, and every
//! diagnostic made while the tree is nested and loaded is moved back to the file and the line
//! it points at, as is every place the loaded framework keeps.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Loc, Source, Span};
use crate::model::Framework;

/// The files of one import, end to end in one range of offsets.
#[derive(Debug)]
pub(crate) struct Joined {
    /// The first file: the tree's source.
    first: Arc<Source>,
    /// Each file, and the offset its text starts at. The first starts at 0, so its own places
    /// are unchanged.
    parts: Vec<(usize, Arc<Source>)>,
}

impl Joined {
    /// The first file: the tree's source, where its own places stay.
    pub fn new(first: Arc<Source>) -> Self {
        Self {
            parts: vec![(0, first.clone())],
            first,
        }
    }

    /// The source the tree is loaded with (the first file).
    pub fn source(&self) -> &Arc<Source> {
        &self.first
    }

    /// Where `loc` is placed in the joined range; its file is added when it is new.
    pub fn span(&mut self, loc: &Loc) -> Span {
        let base = match self.parts.iter().find(|(_, s)| Arc::ptr_eq(s, &loc.source)) {
            Some((base, _)) => *base,
            None => {
                // One past the end of the last file, so an offset at a file's end stays in it.
                let base = self.parts.last().map_or(0, |(b, s)| b + s.text().len() + 1);
                self.parts.push((base, loc.source.clone()));
                base
            }
        };
        Span::new(base + loc.span.offset, loc.span.len)
    }

    /// The place in its own file of a place in the joined range (`None` for a place in the first
    /// file or in another source, which stays as it is).
    fn place(&self, loc: &Loc) -> Option<Loc> {
        if !Arc::ptr_eq(&loc.source, &self.first) {
            return None;
        }
        // The last file starting at or before the offset.
        let at = self
            .parts
            .partition_point(|(base, _)| *base <= loc.span.offset);
        let (base, source) = self.parts.get(at.checked_sub(1)?)?;
        (*base > 0).then(|| Loc {
            source: source.clone(),
            span: Span::new(loc.span.offset - base, loc.span.len),
        })
    }

    /// Moves the diagnostics that point past the first file back to their own file.
    pub fn relocate(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            d.relocate(|loc| self.place(loc));
        }
    }

    /// Moves the places a framework loaded from the joined range keeps back to their own file,
    /// so that the checks run when a catalog is built (references, cycles) point there too.
    pub fn relocate_framework(&self, framework: &mut Framework) {
        framework.relocate(|loc| self.place(loc));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn a_place_in_a_later_file_goes_back_to_it() {
        let a = Arc::new(Source::new("a.csv", "h\nx\n"));
        let b = Arc::new(Source::new("b.csv", "h\ny\nz\n"));
        let mut joined = Joined::new(a.clone());
        let at = |source: &Arc<Source>, offset| Loc {
            source: source.clone(),
            span: Span::new(offset, 1),
        };
        let end_of_a = joined.span(&at(&a, 4));
        let z = joined.span(&at(&b, 4));
        let mut diags: Vec<Diagnostic> = [end_of_a, z]
            .into_iter()
            .map(|span| {
                Diagnostic::at(
                    Code::ImportInvalid,
                    &Loc {
                        source: a.clone(),
                        span,
                    },
                    "here",
                )
                .with_related(
                    &Loc {
                        source: a.clone(),
                        span: z,
                    },
                    "and here",
                )
            })
            .collect();
        joined.relocate(&mut diags);
        let places: Vec<(&str, u32, u32)> = diags
            .iter()
            .map(|d| (d.file(), d.line(), d.column()))
            .collect();
        assert_eq!(places, [("a.csv", 3, 1), ("b.csv", 3, 1)]);
        let related = &diags[0].related_places()[0].place;
        assert_eq!((related.file.as_str(), related.line), ("b.csv", 3));
    }
}
