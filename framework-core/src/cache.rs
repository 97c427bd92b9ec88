//! A cache of read files, so that a file unchanged since it was last read is not read again.
//!
//! Three kinds of entry are kept in the user's cache folder, in a compact binary form:
//! - a file that loaded without a single diagnostic is stored as its checked document
//!   ([`stored`]): served, it skips parsing and checking altogether;
//! - any other file is stored as the positioned tree it was read into: served, the checks run
//!   again and report the same diagnostics as for a file read afresh;
//! - a catalog that was built without a single diagnostic stores its links (every reference
//!   resolved: the graph's edges), named by all its sources (name, origin and text, in order):
//!   served, neither references nor cycles are checked again, since the same sources gave none.
//!
//! Otherwise the catalog is built (references, cycles, every catalog-wide diagnostic) as for
//! files read afresh, so a cached load gives the same catalog and the same diagnostics.
//!
//! A file's entries are named by the XXH3-128 hash of its text (computed once per file); an
//! entry holds the engine's version, whether the file was read as JSON, the file's whole text
//! and then the tree or document. It is used only when all of these match exactly (the text
//! byte for byte, not only its hash); document and links entries also end with a checksum
//! (XXH3-64) of what they hold, and what is read back is checked again (ids, positions,
//! indices; links must fit the catalog). A stale, foreign or corrupt entry (another version, a
//! changed file, a truncated write) is ignored and written again, never trusted. Entries are
//! written whole or not at all (`files::write_atomically`), so a reader never sees half of one,
//! and the folder is kept under [`MAX_CACHE_BYTES`], the entries written longest ago going
//! first.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use crate::diagnostic::{Source, Span};
use crate::graph::Edges;
use crate::model::Document;
use crate::yaml::{Node, Number, Value};

mod stored;

pub(crate) use stored::{In, Out, Stored, record};

/// What starts a tree entry: a name, and the format's version (bumped when the layout changes).
const MAGIC: &[u8; 8] = b"CFEtree1";
/// What starts a document entry.
const DOC_MAGIC: &[u8; 8] = b"CFEdoc04";
/// What starts a catalog's links entry.
const LINKS_MAGIC: &[u8; 8] = b"CFElink2";

/// Where cached trees are kept.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    /// Whether an entry was written since the folder was last tidied.
    written: Arc<std::sync::atomic::AtomicBool>,
}

impl Cache {
    /// A cache in this folder (made when first written to).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            written: Arc::default(),
        }
    }

    /// The user's cache folder: `$COMPETENCE_CACHE_DIR`, else `$XDG_CACHE_HOME/competence-engine`,
    /// else `~/.cache/competence-engine`; `None` when none of these is known.
    pub fn user() -> Option<Self> {
        if let Some(dir) = std::env::var_os("COMPETENCE_CACHE_DIR").filter(|d| !d.is_empty()) {
            return Some(Self::new(dir));
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|d| !d.is_empty())
                    .map(|h| PathBuf::from(h).join(".cache"))
            })?;
        Some(Self::new(base.join("competence-engine")))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of a source's entries: a hash of its text (XXH3, 128 bits, computed once per
    /// source) and how it is read. The entries themselves hold the text, and are used only when
    /// it is the same.
    pub(crate) fn key(source: &Source, json: bool) -> Key {
        Key {
            hash: source.text_hash(),
            json,
        }
    }

    fn path(&self, key: &Key, suffix: &str) -> PathBuf {
        let kind = if key.json { "json" } else { "yaml" };
        self.dir.join(format!("{:032x}-{kind}.{suffix}", key.hash))
    }

    /// The tree cached for this text, if an entry for it is whole and made by this version.
    pub(crate) fn get(&self, key: &Key, text: &str) -> Option<Node> {
        let bytes = read_entry(&self.path(key, "tree"))?;
        decode_entry(&bytes, text, key.json)
    }

    /// Stores the tree read from this text. Failing to (a read-only folder, a full disk) is not
    /// an error: the cache only saves time.
    pub(crate) fn put(&self, key: &Key, text: &str, tree: &Node) {
        let mut bytes = Vec::with_capacity(text.len() * 2 + 64);
        encode_entry(&mut bytes, text, key.json, tree);
        self.write(&self.path(key, "tree"), &bytes);
    }

    /// The checked document cached for this file's text, if an entry for it is whole, made by
    /// this version, and reads back consistent.
    pub(crate) fn get_document(&self, key: &Key, source: &Arc<Source>) -> Option<Document> {
        let (text, json) = (source.text(), key.json);
        let bytes = read_entry(&self.path(key, "doc"))?;
        let r = header(DOC_MAGIC, &bytes, text, json)?;
        let mut i = In::new(checked_body(r)?, Some(source));
        let doc = stored::take_document(&mut i)?;
        (i.r.left() == 0).then_some(doc)
    }

    /// The key of a whole catalog: each source's name, origin and text (by its hash), in order.
    pub(crate) fn catalog_key(sources: &[Arc<Source>]) -> u128 {
        let mut all = Vec::with_capacity(sources.len() * 64);
        for s in sources {
            let name = s.name().as_bytes();
            all.extend_from_slice(&(name.len() as u64).to_le_bytes());
            all.extend_from_slice(name);
            all.push(u8::from(s.is_builtin()));
            all.extend_from_slice(&s.text_hash().to_le_bytes());
        }
        twox_hash::XxHash3_128::oneshot(&all)
    }

    /// The links (every reference resolved) of the catalog whose sources have this key, as
    /// stored when it was last built without a single diagnostic.
    pub(crate) fn get_links(&self, key: u128) -> Option<Edges> {
        let bytes = read_entry(&self.dir.join(format!("{key:032x}.links")))?;
        let mut r = Reader {
            bytes: &bytes,
            at: 0,
        };
        versioned(LINKS_MAGIC, &mut r)?;
        // The key inside the entry: one copied under another catalog's name is refused.
        if r.take(16)? != key.to_le_bytes() {
            return None;
        }
        let mut i = In::new(checked_body(r)?, None);
        let edges = Edges::take(&mut i)?;
        (i.r.left() == 0).then_some(edges)
    }

    /// Stores the links of the catalog whose sources have this key (once the catalog is known
    /// to be free of diagnostics). Failing to write is not an error.
    pub(crate) fn put_links(&self, key: u128, edges: &Edges) {
        let mut o = Out::new(None);
        write_version(&mut o.bytes, LINKS_MAGIC);
        o.bytes.extend_from_slice(&key.to_le_bytes());
        let body = o.bytes.len();
        edges.put(&mut o);
        let sum = checksum(o.bytes.get(body..).unwrap_or_default());
        o.bytes.extend_from_slice(&sum.to_le_bytes());
        self.write(&self.dir.join(format!("{key:032x}.links")), &o.bytes);
    }

    /// Stores the checked document read from this file (nothing when one of its positions is
    /// in another file). Failing to write is not an error.
    pub(crate) fn put_document(&self, key: &Key, source: &Arc<Source>, doc: &Document) {
        let text = source.text();
        // The document is written after the header, in the same buffer.
        let mut o = Out::new(Some(source));
        o.bytes.reserve(2 * text.len() + 64);
        write_header(&mut o.bytes, DOC_MAGIC, text, key.json);
        let body = o.bytes.len();
        doc.put(&mut o);
        if o.foreign {
            return;
        }
        let sum = checksum(o.bytes.get(body..).unwrap_or_default());
        o.bytes.extend_from_slice(&sum.to_le_bytes());
        self.write(&self.path(key, "doc"), &o.bytes);
    }

    fn write(&self, path: &Path, bytes: &[u8]) {
        let written = std::fs::create_dir_all(&self.dir)
            .and_then(|()| crate::files::write_atomically(path, |out| out.write_all(bytes)));
        if written.is_ok() {
            self.written
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Keeps the folder within [`MAX_CACHE_BYTES`] when entries were written since it was last
    /// tidied (once per catalog built, not once per entry).
    pub(crate) fn tidy(&self) {
        if self
            .written
            .swap(false, std::sync::atomic::Ordering::Relaxed)
        {
            self.prune(MAX_CACHE_BYTES);
        }
    }

    /// Keeps the folder's entries within `max` bytes: while they hold more, the entry used
    /// longest ago goes (an entry served is marked used, at most once a day: see
    /// [`read_entry`]; an edited file's old entries are never served again, so without this the
    /// folder would only grow). Only this cache's entries are touched.
    fn prune(&self, max: u64) {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> = dir
            .filter_map(Result::ok)
            .filter(|e| is_entry_name(&e.file_name().to_string_lossy()))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
        if total <= max {
            return;
        }
        entries.sort();
        for (_, len, path) in entries {
            if total <= max {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(len);
            }
        }
    }
}

/// An entry's bytes; an entry last marked used more than a day ago is marked used now (its
/// modification time), so that pruning removes the entries used longest ago.
fn read_entry(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).ok()?;
    let now = std::time::SystemTime::now();
    let day = std::time::Duration::from_secs(24 * 60 * 60);
    let stale = meta
        .modified()
        .ok()
        .and_then(|m| now.duration_since(m).ok())
        .is_some_and(|age| age > day);
    if stale {
        let _ = std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(now));
    }
    Some(bytes)
}

/// The most the cache folder's entries may hold, in bytes (1 GiB); the oldest go first.
pub const MAX_CACHE_BYTES: u64 = 1 << 30;

/// Whether a file name is one of the cache's entries (32 hex digits, then `-yaml.tree`,
/// `-json.doc`, `.links` and the like).
fn is_entry_name(name: &str) -> bool {
    let (hash, rest) = name.split_at_checked(32).unwrap_or(("", ""));
    hash.bytes().all(|b| b.is_ascii_hexdigit())
        && matches!(
            rest,
            "-yaml.tree" | "-json.tree" | "-yaml.doc" | "-json.doc" | ".links"
        )
}

/// Names a file's entries (see [`Cache::key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    hash: u128,
    json: bool,
}

/// XXH3 over the bytes: catches a damaged entry (it is no defence against a forged one, which
/// the checks on reading back are for).
fn checksum(bytes: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(bytes)
}

/// The rest of an entry, when its last 8 bytes are the checksum of what comes before them.
fn checked_body(r: Reader<'_>) -> Option<Reader<'_>> {
    let body = r.bytes.get(r.at..)?;
    let (body, sum) = body.split_at_checked(body.len().checked_sub(8)?)?;
    (checksum(body).to_le_bytes() == sum).then_some(Reader { bytes: body, at: 0 })
}

/// Starts an entry: what kind it is, and the engine's version.
fn write_version(out: &mut Vec<u8>, magic: &[u8; 8]) {
    out.extend_from_slice(magic);
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    varint(out, version.len() as u64);
    out.extend_from_slice(version);
}

/// Reads what [`write_version`] wrote, when it is this kind of entry, by this version.
fn versioned(magic: &[u8; 8], r: &mut Reader<'_>) -> Option<()> {
    if r.take(magic.len())? != magic {
        return None;
    }
    let version = r.varint()?;
    (r.take(usize::try_from(version).ok()?)? == env!("CARGO_PKG_VERSION").as_bytes()).then_some(())
}

fn write_header(out: &mut Vec<u8>, magic: &[u8; 8], text: &str, json: bool) {
    write_version(out, magic);
    out.push(u8::from(json));
    varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// Reads an entry's header; the reader is left after it when the entry is for this text,
/// read the same way, by this version.
fn header<'a>(magic: &[u8; 8], bytes: &'a [u8], text: &str, json: bool) -> Option<Reader<'a>> {
    let mut r = Reader { bytes, at: 0 };
    versioned(magic, &mut r)?;
    if r.take(1)? != [u8::from(json)] {
        return None;
    }
    let len = r.varint()?;
    if r.take(usize::try_from(len).ok()?)? != text.as_bytes() {
        return None;
    }
    Some(r)
}

fn encode_entry(out: &mut Vec<u8>, text: &str, json: bool, tree: &Node) {
    write_header(out, MAGIC, text, json);
    encode_tree(out, tree);
}

fn decode_entry(bytes: &[u8], text: &str, json: bool) -> Option<Node> {
    let mut r = header(MAGIC, bytes, text, json)?;
    let tree = decode_tree(&mut r, text.len())?;
    // Nothing may follow the tree.
    (r.at == bytes.len()).then_some(tree)
}

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const FLOAT: u8 = 4;
const STR: u8 = 5;
const SEQ: u8 = 6;
const MAP: u8 = 7;

/// The tree in pre-order (a map's entries as key, value, key, value...), without recursion.
fn encode_tree(out: &mut Vec<u8>, tree: &Node) {
    let mut stack: Vec<&Node> = vec![tree];
    while let Some(node) = stack.pop() {
        varint(out, node.span.offset as u64);
        varint(out, node.span.len as u64);
        match &node.value {
            Value::Null => out.push(NULL),
            Value::Bool(false) => out.push(FALSE),
            Value::Bool(true) => out.push(TRUE),
            Value::Number(Number::Int(i)) => {
                out.push(INT);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Value::Number(Number::Float(f)) => {
                out.push(FLOAT);
                out.extend_from_slice(&f.to_le_bytes());
            }
            Value::Str(s) => {
                out.push(STR);
                varint(out, s.len() as u64);
                out.extend_from_slice(s.as_bytes());
            }
            Value::Seq(items) => {
                out.push(SEQ);
                varint(out, items.len() as u64);
                stack.extend(items.iter().rev());
            }
            Value::Map(entries) => {
                out.push(MAP);
                varint(out, entries.len() as u64);
                for (k, v) in entries.iter().rev() {
                    stack.push(v);
                    stack.push(k);
                }
            }
        }
    }
}

/// A container being filled while decoding: its node (without children yet), how many children
/// it still waits for, and those read so far.
struct Open {
    span: Span,
    map: bool,
    left: usize,
    children: Vec<Node>,
}

/// Reads a tree written by [`encode_tree`], without recursion; `None` for anything malformed
/// (a span outside the text, a count larger than what remains, an unknown tag).
fn decode_tree(r: &mut Reader<'_>, text_len: usize) -> Option<Node> {
    let mut open: Vec<Open> = Vec::new();
    loop {
        let offset = usize::try_from(r.varint()?).ok()?;
        let len = usize::try_from(r.varint()?).ok()?;
        if offset.checked_add(len)? > text_len {
            return None;
        }
        let span = Span::new(offset, len);
        let mut done = match r.take(1)?[0] {
            NULL => Some(Value::Null),
            FALSE => Some(Value::Bool(false)),
            TRUE => Some(Value::Bool(true)),
            INT => Some(Value::Number(Number::Int(i128::from_le_bytes(
                r.take(16)?.try_into().ok()?,
            )))),
            FLOAT => Some(Value::Number(Number::Float(f64::from_le_bytes(
                r.take(8)?.try_into().ok()?,
            )))),
            STR => {
                let n = usize::try_from(r.varint()?).ok()?;
                Some(Value::Str(String::from_utf8(r.take(n)?.to_vec()).ok()?))
            }
            tag @ (SEQ | MAP) => {
                let n = usize::try_from(r.varint()?).ok()?;
                let children = if tag == MAP { n.checked_mul(2)? } else { n };
                // Each child takes at least three bytes: a count that cannot fit is a lie.
                if children > r.left() / 3 {
                    return None;
                }
                open.push(Open {
                    span,
                    map: tag == MAP,
                    left: children,
                    children: Vec::with_capacity(children),
                });
                None
            }
            _ => return None,
        }
        .map(|value| Node { value, span });
        // Close every container that is now full, handing each to its parent.
        loop {
            match (done.take(), open.last_mut()) {
                (Some(node), None) => return Some(node),
                (Some(node), Some(top)) => {
                    top.children.push(node);
                    top.left -= 1;
                }
                (None, _) => {}
            }
            match open.last() {
                Some(top) if top.left == 0 => {
                    let top = open.pop()?;
                    let value = if top.map {
                        let mut it = top.children.into_iter();
                        let mut pairs = Vec::new();
                        while let (Some(k), Some(v)) = (it.next(), it.next()) {
                            pairs.push((k, v));
                        }
                        Value::Map(pairs)
                    } else {
                        Value::Seq(top.children)
                    };
                    done = Some(Node {
                        value,
                        span: top.span,
                    });
                }
                _ => break,
            }
        }
    }
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let bytes: &'a [u8] = self.bytes;
        let slice = bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = *self.take(1)?.first()?;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Source;
    use std::sync::Arc;

    fn tree(text: &str) -> Node {
        crate::yaml::parse(&Arc::new(Source::new("t.yaml", text)), false).unwrap()
    }

    fn same(a: &Node, b: &Node) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    #[test]
    fn a_tree_comes_back_as_it_went() {
        let text = "kind: framework\nid: x\nitems: [{id: \"1\", n: 2, f: 1.5, b: true, z: null}]\n";
        let dir = std::env::temp_dir().join(format!("cfe-cache-test-{}", std::process::id()));
        let cache = Cache::new(&dir);
        let t = tree(text);
        let key = |text: &str, json| Cache::key(&Source::new("t.yaml", text), json);
        cache.put(&key(text, false), text, &t);
        let back = cache.get(&key(text, false), text).unwrap();
        assert!(same(&t, &back));
        // Another text, or the same read as JSON, is not served.
        let other = "kind: other\n";
        assert!(cache.get(&key(other, false), other).is_none());
        assert!(cache.get(&key(text, true), text).is_none());
        // Nor is the entry under another text's name.
        assert!(cache.get(&key(text, false), other).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn damaged_entries_are_refused() {
        let text = "a: [1, 2, {b: c}]\n";
        let t = tree(text);
        let mut bytes = Vec::new();
        encode_entry(&mut bytes, text, false, &t);
        assert!(decode_entry(&bytes, text, false).is_some());
        for cut in 0..bytes.len() {
            assert!(
                decode_entry(&bytes[..cut], text, false).is_none(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_entry(&longer, text, false).is_none());
        let mut other_version = bytes.clone();
        other_version[9] ^= 0x20;
        assert!(decode_entry(&other_version, text, false).is_none());
    }

    #[test]
    fn the_oldest_entries_go_when_the_folder_is_full() {
        let dir = std::env::temp_dir().join(format!("cfe-cache-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let name = |n: u32| format!("{n:032x}-yaml.doc");
        let start = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        for n in 0..4u32 {
            let path = dir.join(name(n));
            std::fs::write(&path, [0u8; 100]).unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(start + std::time::Duration::from_secs(u64::from(n)))
                .unwrap();
        }
        // Not an entry: never removed, not counted.
        std::fs::write(dir.join("notes.txt"), [0u8; 1000]).unwrap();
        let cache = Cache::new(&dir);
        cache.prune(400);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 5);
        cache.prune(250);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, vec![name(2), name(3), "notes.txt".to_owned()]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_catalog_is_linked_from_its_links_entry() {
        // The links entry of a catalog is what its graph is made from when it is served: a
        // changed target in it (same shape, so it fits) shows in the graph. (The checksum and
        // the fit guard against damage, not against a forged entry, as for documents.)
        let dir = std::env::temp_dir().join(format!("cfe-cache-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let text = "kind: framework\nid: fa\ntitle: A\nitems:\n  - { id: \"1\", title: One, requires: [\"2\"] }\n  - { id: \"2\", title: Two }\n";
        let build = || {
            let mut b = crate::Catalog::builder()
                .builtin(false)
                .cache(Some(Cache::new(&dir)));
            b.add_bytes("a.yaml", text.as_bytes());
            b.build()
        };
        let first = build();
        let one = crate::graph::ItemHandle::new(0, crate::model::ItemIdx(0));
        let two =
            crate::graph::Target::Item(crate::graph::ItemHandle::new(0, crate::model::ItemIdx(1)));
        assert_eq!(first.graph().requires(one), vec![two]);
        let source = crate::load::decode("a.yaml", text.as_bytes(), false).unwrap();
        let key = Cache::catalog_key(&[source]);
        let cache = Cache::new(&dir);
        let mut edges = cache.get_links(key).unwrap();
        edges.requires[0].1 = crate::graph::Target::Framework(0);
        cache.put_links(key, &edges);
        assert_eq!(
            build().graph().requires(one),
            vec![crate::graph::Target::Framework(0)]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
