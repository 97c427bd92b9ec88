//! Typed identifiers: documents, items, and references to items.
//!
//! Every id is checked when it is made, so the rest of the engine never sees a malformed one.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map keyed by ids or other text read from input. foldhash is several times faster than the
/// standard SipHash on short keys, and is seeded afresh in each process, so a crafted file cannot
/// pick colliding keys in advance.
pub(crate) type IdMap<K, V> = foldhash::HashMap<K, V>;

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The id is empty.
    #[error("an id cannot be empty")]
    Empty,
    /// A document id that is not kebab-case.
    #[error(
        "`{0}` is not kebab-case: use lowercase letters, digits and `-`, starting with a letter or digit"
    )]
    NotKebabCase(String),
    /// An item id with a character that ids may not hold.
    #[error("`{id}` holds {what}, which ids may not contain")]
    BadCharacter {
        /// The offending id.
        id: String,
        /// A description of the character.
        what: &'static str,
    },
    /// A reference that is not `FRAMEWORK:ITEM` or `FRAMEWORK:*`.
    #[error("`{0}` is not a qualified reference: write `FRAMEWORK:ITEM` or `FRAMEWORK:*`")]
    NotQualified(String),
}

/// Longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

fn check_kebab(s: &str) -> Result<(), IdError> {
    let mut chars = s.chars();
    match chars.next() {
        None => return Err(IdError::Empty),
        Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => {}
        Some(_) => return Err(IdError::NotKebabCase(s.to_owned())),
    }
    if s.len() > MAX_ID_LEN
        || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(IdError::NotKebabCase(s.to_owned()));
    }
    Ok(())
}

fn check_item(s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    let bad = |what| {
        Err(IdError::BadCharacter {
            id: s.to_owned(),
            what,
        })
    };
    if s.len() > MAX_ID_LEN {
        return bad("more than 256 bytes");
    }
    for c in s.chars() {
        if c == ':' {
            return bad("`:` (it separates a framework from an item in a reference)");
        }
        if c.is_whitespace() {
            return bad("white space");
        }
        if crate::safe::is_unsafe(c) {
            return bad("a control or invisible character");
        }
    }
    if s == "*" {
        return bad("only `*` (it means every leaf in a reference)");
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $check:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Checks `s` and makes the id.
            pub fn new(s: &str) -> Result<Self, IdError> {
                $check(s)?;
                Ok(Self(Arc::from(s)))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl crate::cache::Stored for $name {
            fn put(&self, o: &mut crate::cache::Out<'_>) {
                o.str(&self.0);
            }
            /// Checked again: a cache entry is never trusted.
            fn take(i: &mut crate::cache::In<'_>) -> Option<Self> {
                Self::new(i.str()?).ok()
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            /// Checked as when it is made.
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Self::new(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// The id of a document (framework, curriculum, mapping or role): kebab-case, unique per kind.
    DocId,
    check_kebab
);
id_type!(
    /// The id of an item inside a framework, as published (`1.1a`, `4.2`, `S-12`): no white
    /// space, no `:`, at most 256 bytes.
    ItemId,
    check_item
);
id_type!(
    /// The id of a module, session, assessment or requirement inside its document.
    LocalId,
    check_item
);

/// A framework's id.
pub type FrameworkId = DocId;

/// A reference to framework items: `FRAMEWORK:ITEM` or `FRAMEWORK:*` (every leaf).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemRef {
    framework: FrameworkId,
    item: Option<ItemId>,
}

impl ItemRef {
    /// A reference to one item (and, when it is not a leaf, every leaf under it).
    pub fn item(framework: FrameworkId, item: ItemId) -> Self {
        Self {
            framework,
            item: Some(item),
        }
    }

    /// A reference to every leaf of a framework (`FRAMEWORK:*`).
    pub fn all(framework: FrameworkId) -> Self {
        Self {
            framework,
            item: None,
        }
    }

    /// The framework referred to.
    pub fn framework(&self) -> &FrameworkId {
        &self.framework
    }

    /// The item referred to, or `None` for `FRAMEWORK:*`.
    pub fn item_id(&self) -> Option<&ItemId> {
        self.item.as_ref()
    }

    /// Parses a qualified reference, `FRAMEWORK:ITEM` or `FRAMEWORK:*`.
    pub fn parse_qualified(s: &str) -> Result<Self, IdError> {
        let (fw, item) = s
            .split_once(':')
            .ok_or_else(|| IdError::NotQualified(s.to_owned()))?;
        let framework = FrameworkId::new(fw)?;
        if item == "*" {
            Ok(Self::all(framework))
        } else {
            Ok(Self::item(framework, ItemId::new(item)?))
        }
    }
}

impl FromStr for ItemRef {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse_qualified(s)
    }
}

impl ItemRef {
    /// Writes the reference as text, `FRAMEWORK:ITEM` (or `FRAMEWORK:*`), a piece at a time:
    /// what `Display` writes, and what reports with millions of references write without the
    /// formatting machinery.
    pub fn write_text<W: fmt::Write + ?Sized>(&self, w: &mut W) -> fmt::Result {
        w.write_str(self.framework.as_str())?;
        w.write_char(':')?;
        w.write_str(self.item.as_ref().map_or("*", ItemId::as_str))
    }
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_text(f)
    }
}

impl fmt::Debug for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ItemRef({self})")
    }
}

impl<'de> Deserialize<'de> for ItemRef {
    /// From `FRAMEWORK:ITEM` or `FRAMEWORK:*`, checked as when it is made.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Self::parse_qualified(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for ItemRef {
    /// As `FRAMEWORK:ITEM` (or `FRAMEWORK:*`), put together in a buffer kept by the thread: a
    /// report can hold millions of references, and formatting each through `Display` costs
    /// several times more.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        thread_local! {
            static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        // Formatted the slow way when the buffer is in use or gone (a thread ending).
        let mut s = Some(s);
        let fast = TEXT.try_with(|text| {
            let mut text = text.try_borrow_mut().ok()?;
            text.clear();
            self.write_text(&mut *text).ok()?;
            Some(s.take()?.serialize_str(&text))
        });
        match (fast, s) {
            (Ok(Some(done)), _) => done,
            (_, Some(s)) => s.collect_str(self),
            // The serializer was used and gave no result: not reached (a result is always
            // given back once it is used).
            (_, None) => Err(serde::ser::Error::custom("reference not written")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_serializes_as_its_text() {
        let longest = "a".repeat(MAX_ID_LEN);
        for text in [
            "care-certificate-2015:1.1a".to_owned(),
            "x:*".to_owned(),
            format!("{longest}:{longest}"),
            format!("{longest}:*"),
        ] {
            let r = ItemRef::parse_qualified(&text).unwrap();
            assert_eq!(r.to_string(), text);
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{text}\""));
        }
    }

    #[test]
    fn doc_ids_are_kebab_case() {
        assert!(DocId::new("care-certificate-2015").is_ok());
        assert!(DocId::new("9lives").is_ok());
        assert_eq!(DocId::new(""), Err(IdError::Empty));
        assert!(DocId::new("Care").is_err());
        assert!(DocId::new("-x").is_err());
        assert!(DocId::new("a_b").is_err());
    }

    #[test]
    fn item_ids_reject_separators_and_space() {
        assert!(ItemId::new("1.1a").is_ok());
        assert!(ItemId::new("S-12/b").is_ok());
        assert!(ItemId::new("a:b").is_err());
        assert!(ItemId::new("a b").is_err());
        assert!(ItemId::new("*").is_err());
        assert!(ItemId::new("").is_err());
    }

    #[test]
    fn refs_round_trip() {
        let r = ItemRef::parse_qualified("care-certificate-2015:1.1a").unwrap();
        assert_eq!(r.framework().as_str(), "care-certificate-2015");
        assert_eq!(r.item_id().map(ItemId::as_str), Some("1.1a"));
        assert_eq!(r.to_string(), "care-certificate-2015:1.1a");
        let all = ItemRef::parse_qualified("x:*").unwrap();
        assert_eq!(all.item_id(), None);
        assert_eq!(all.to_string(), "x:*");
        assert!(ItemRef::parse_qualified("1.1a").is_err());
    }
}

/// The framework ids one document's references name, shared: a document names few frameworks,
/// so its references hold one shared id each instead of a copy per reference.
#[derive(Debug, Default)]
pub(crate) struct FrameworkIds(Vec<FrameworkId>);

impl FrameworkIds {
    /// How many ids are kept (a document naming more makes the rest afresh).
    const KEPT: usize = 16;

    /// The id spelt `s`, shared with earlier references to it.
    pub(crate) fn get(&mut self, s: &str) -> Result<FrameworkId, IdError> {
        if let Some(id) = self.0.iter().find(|id| id.as_str() == s) {
            return Ok(id.clone());
        }
        let id = FrameworkId::new(s)?;
        if self.0.len() < Self::KEPT {
            self.0.push(id.clone());
        }
        Ok(id)
    }
}

impl crate::cache::Stored for ItemRef {
    fn put(&self, o: &mut crate::cache::Out<'_>) {
        self.framework.put(o);
        self.item.put(o);
    }
    /// Checked again, as every id read back.
    fn take(i: &mut crate::cache::In<'_>) -> Option<Self> {
        let s = i.str()?;
        let framework = i.frameworks.get(s).ok()?;
        Some(Self {
            framework,
            item: crate::cache::Stored::take(i)?,
        })
    }
}
