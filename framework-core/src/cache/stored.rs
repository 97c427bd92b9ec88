//! Checked documents in the cache's binary form.
//!
//! Each type of the model is written field by field, in declaration order, and read back the
//! same way. A [`record!`] lists every field of a struct in a struct literal, so a field added
//! to the model and forgotten here does not compile. Positions are written as spans: every
//! position in a document read from a file is in that file, whose source the reader is given
//! (a document with a position elsewhere is not stored). What is read back is checked where a
//! bad value could mislead an analysis: ids are checked again, positions must lie in the text,
//! indices in range; the whole entry is also covered by a checksum (see `cache.rs`).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

use super::{Reader, varint};
use crate::diagnostic::{Loc, Source, Span};
use crate::model::{
    Assessment, Condition, Cover, Curriculum, Document, DocumentInfo, Duration, Framework, Item,
    Link, LocatedRef, Mapping, Module, Requirement, Role, Rule, ScaleLevel, Session,
};

/// Where a document is written to, and the file its positions must be in.
pub(crate) struct Out<'a> {
    pub bytes: Vec<u8>,
    /// The file positions must be in (none: nothing written may hold a position).
    source: Option<&'a Arc<Source>>,
    /// Set when a position lies in another file: such a document is not stored.
    pub foreign: bool,
}

impl<'a> Out<'a> {
    pub fn new(source: Option<&'a Arc<Source>>) -> Self {
        Self {
            bytes: Vec::new(),
            source,
            foreign: false,
        }
    }

    pub fn varint(&mut self, n: u64) {
        varint(&mut self.bytes, n);
    }

    pub fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

/// What a document is read from, and the file its positions are placed in.
pub(crate) struct In<'a> {
    pub(super) r: Reader<'a>,
    /// The file positions are placed in (none: a position read is refused).
    source: Option<&'a Arc<Source>>,
    /// The frameworks the document's references name, shared between them.
    pub frameworks: crate::ids::FrameworkIds,
}

impl<'a> In<'a> {
    pub(super) fn new(r: Reader<'a>, source: Option<&'a Arc<Source>>) -> Self {
        Self {
            r,
            source,
            frameworks: crate::ids::FrameworkIds::default(),
        }
    }

    pub fn varint(&mut self) -> Option<u64> {
        self.r.varint()
    }

    pub fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.r.varint()?).ok()
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let n = self.usize()?;
        std::str::from_utf8(self.r.take(n)?).ok()
    }

    /// A count of things each written in at least one byte: more than what is left is a lie.
    fn count(&mut self) -> Option<usize> {
        let n = self.usize()?;
        (n <= self.r.left()).then_some(n)
    }
}

/// A value the cache can write and read back.
pub(crate) trait Stored: Sized {
    /// Writes the value.
    fn put(&self, o: &mut Out<'_>);
    /// Reads a value written by `put`; `None` for anything malformed.
    fn take(i: &mut In<'_>) -> Option<Self>;
}

/// Implements [`Stored`] for a struct, field by field (all of them: a struct literal).
macro_rules! record {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl $crate::cache::Stored for $t {
            fn put(&self, o: &mut $crate::cache::Out<'_>) {
                $( $crate::cache::Stored::put(&self.$f, o); )*
            }
            fn take(i: &mut $crate::cache::In<'_>) -> Option<Self> {
                Some(Self { $( $f: $crate::cache::Stored::take(i)?, )* })
            }
        }
    };
}
pub(crate) use record;

impl Stored for bool {
    fn put(&self, o: &mut Out<'_>) {
        o.bytes.push(u8::from(*self));
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        match i.r.take(1)? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }
}

impl Stored for u32 {
    fn put(&self, o: &mut Out<'_>) {
        o.varint(u64::from(*self));
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        u32::try_from(i.varint()?).ok()
    }
}

impl Stored for usize {
    fn put(&self, o: &mut Out<'_>) {
        o.varint(*self as u64);
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        i.usize()
    }
}

impl Stored for f64 {
    fn put(&self, o: &mut Out<'_>) {
        o.bytes.extend_from_slice(&self.to_le_bytes());
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        Some(f64::from_le_bytes(i.r.take(8)?.try_into().ok()?))
    }
}

impl Stored for String {
    fn put(&self, o: &mut Out<'_>) {
        o.str(self);
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        i.str().map(str::to_owned)
    }
}

impl<T: Stored> Stored for Option<T> {
    fn put(&self, o: &mut Out<'_>) {
        match self {
            None => o.bytes.push(0),
            Some(v) => {
                o.bytes.push(1);
                v.put(o);
            }
        }
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        match i.r.take(1)? {
            [0] => Some(None),
            [1] => Some(Some(T::take(i)?)),
            _ => None,
        }
    }
}

impl<T: Stored> Stored for Vec<T> {
    fn put(&self, o: &mut Out<'_>) {
        o.varint(self.len() as u64);
        for v in self {
            v.put(o);
        }
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        let n = i.count()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::take(i)?);
        }
        Some(v)
    }
}

impl<T: Stored> Stored for Box<T> {
    fn put(&self, o: &mut Out<'_>) {
        (**self).put(o);
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        T::take(i).map(Box::new)
    }
}

impl<A: Stored, B: Stored, C: Stored, D: Stored> Stored for (A, B, C, D) {
    fn put(&self, o: &mut Out<'_>) {
        self.0.put(o);
        self.1.put(o);
        self.2.put(o);
        self.3.put(o);
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        Some((A::take(i)?, B::take(i)?, C::take(i)?, D::take(i)?))
    }
}

impl<A: Stored, B: Stored> Stored for (A, B) {
    fn put(&self, o: &mut Out<'_>) {
        self.0.put(o);
        self.1.put(o);
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        Some((A::take(i)?, B::take(i)?))
    }
}

impl<K: Stored + Eq + Hash, V: Stored, S: BuildHasher + Default> Stored for HashMap<K, V, S> {
    fn put(&self, o: &mut Out<'_>) {
        o.varint(self.len() as u64);
        for (k, v) in self {
            k.put(o);
            v.put(o);
        }
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        let n = i.count()?;
        let mut map = HashMap::with_capacity_and_hasher(n, S::default());
        for _ in 0..n {
            let (k, v) = <(K, V)>::take(i)?;
            map.insert(k, v);
        }
        Some(map)
    }
}

/// What an import kept aside: stored as JSON text (rare, and small).
impl Stored for serde_json::Map<String, serde_json::Value> {
    fn put(&self, o: &mut Out<'_>) {
        o.str(&serde_json::to_string(self).unwrap_or_default());
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        serde_json::from_str(i.str()?).ok()
    }
}

impl Stored for Loc {
    fn put(&self, o: &mut Out<'_>) {
        o.foreign |= o.source.is_none_or(|s| !Arc::ptr_eq(&self.source, s));
        o.varint(self.span.offset as u64);
        o.varint(self.span.len as u64);
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        let (offset, len) = (i.usize()?, i.usize()?);
        let source = i.source?;
        let text = source.text();
        // Inside the text, on character boundaries: a snippet is cut there.
        let end = offset.checked_add(len)?;
        (text.is_char_boundary(offset) && text.is_char_boundary(end)).then(|| Loc {
            source: source.clone(),
            span: Span::new(offset, len),
        })
    }
}

impl Stored for Duration {
    fn put(&self, o: &mut Out<'_>) {
        o.str(&self.to_string());
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        Duration::parse(i.str()?)
    }
}

impl Stored for Rule {
    fn put(&self, o: &mut Out<'_>) {
        match self {
            Rule::All => o.bytes.push(0),
            Rule::MinRatio(r) => {
                o.bytes.push(1);
                r.put(o);
            }
        }
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        match i.r.take(1)? {
            [0] => Some(Rule::All),
            [1] => Some(Rule::MinRatio(f64::take(i)?)),
            _ => None,
        }
    }
}

impl Stored for Document {
    fn put(&self, o: &mut Out<'_>) {
        match self {
            Document::Framework(d) => {
                o.bytes.push(0);
                d.put(o);
            }
            Document::Curriculum(d) => {
                o.bytes.push(1);
                d.put(o);
            }
            Document::Mapping(d) => {
                o.bytes.push(2);
                d.put(o);
            }
            Document::Role(d) => {
                o.bytes.push(3);
                d.put(o);
            }
        }
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        Some(match i.r.take(1)? {
            [0] => Document::Framework(Framework::take(i)?),
            [1] => Document::Curriculum(Curriculum::take(i)?),
            [2] => Document::Mapping(Mapping::take(i)?),
            [3] => Document::Role(Role::take(i)?),
            _ => return None,
        })
    }
}

record!(DocumentInfo {
    kind,
    id,
    title,
    description,
    version,
    source,
    completeness,
    missing,
    note,
    loc,
    dropped_refs
});
record!(LocatedRef { r, loc });
record!(Item {
    id,
    kind,
    title,
    statement,
    item_type,
    optional,
    level,
    credits,
    glh,
    tags,
    source,
    uri,
    alt_labels,
    note,
    extensions,
    requires,
    also_under,
    related,
    replaces,
    loc
});
record!(ScaleLevel { id, title });
record!(Curriculum {
    info,
    provider,
    frameworks,
    modules,
    sessions,
    assessments,
    framework_locs
});
record!(Module {
    id,
    title,
    note,
    sessions
});
record!(Session {
    id,
    title,
    module,
    day,
    week,
    hours,
    note,
    covers,
    loc
});
record!(Cover {
    target,
    depth,
    note,
    loc
});
record!(Assessment {
    id,
    title,
    day,
    week,
    note,
    assesses,
    loc
});
record!(Mapping {
    info,
    from,
    to,
    links,
    no_match,
    from_loc,
    to_loc
});
record!(Link {
    from,
    to,
    relation,
    note,
    confidence,
    justification,
    from_loc,
    to_loc
});
record!(Role {
    info,
    organisation,
    requirements
});
record!(Requirement {
    id,
    title,
    items,
    rule,
    within,
    valid_for,
    exempt_if,
    note,
    item_locs
});
record!(Condition {
    qualification,
    within
});

impl Stored for Framework {
    fn put(&self, o: &mut Out<'_>) {
        self.info.put(o);
        self.publisher.put(o);
        self.levels.put(o);
        self.license_note.put(o);
        self.extensions.put(o);
        self.uri.put(o);
        self.replaces.put(o);
        self.scale.put(o);
        self.items.put(o);
        self.hierarchy.put(o);
        // The index is the items' ids, made again when read back.
    }
    fn take(i: &mut In<'_>) -> Option<Self> {
        let mut framework = Framework {
            info: Stored::take(i)?,
            publisher: Stored::take(i)?,
            levels: Stored::take(i)?,
            license_note: Stored::take(i)?,
            extensions: Stored::take(i)?,
            uri: Stored::take(i)?,
            replaces: Stored::take(i)?,
            scale: Stored::take(i)?,
            items: Stored::take(i)?,
            hierarchy: Stored::take(i)?,
            index: Default::default(),
        };
        framework.index = Framework::index_of(&framework.items);
        // The hierarchy speaks of these items and no others.
        (framework.hierarchy.len() == framework.items.len()).then_some(framework)
    }
}

impl Curriculum {
    /// Whether every module and session number points at one that exists.
    fn indices_hold(&self) -> bool {
        self.modules
            .iter()
            .all(|m| m.sessions.iter().all(|&s| s < self.sessions.len()))
            && self
                .sessions
                .iter()
                .all(|s| s.module.is_none_or(|m| m < self.modules.len()))
    }
}

/// Reads a document and checks what the analyses index by.
pub(crate) fn take_document(i: &mut In<'_>) -> Option<Document> {
    let doc = Document::take(i)?;
    match &doc {
        Document::Curriculum(c) if !c.indices_hold() => None,
        _ => Some(doc),
    }
}
