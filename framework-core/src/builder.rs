//! Building a catalog: the shipped documents and the user's files, read, loaded, placed by kind
//! and id (replacement and duplicates), indexed, checked across documents and linked into the
//! graph.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cache::Cache;
use crate::catalog::{Catalog, CatalogError};
use crate::diagnostic::{self, Code, Diagnostic, Source};
use crate::graph::CompetenceGraph;
use crate::ids::IdMap;
use crate::load;
use crate::model::{Curriculum, Document, DocumentInfo, Framework, Mapping, Role};
use crate::validate;
use crate::yaml::MAX_FILE_BYTES;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

impl Catalog {
    /// The shipped documents alone.
    pub fn builtin() -> Self {
        CatalogBuilder::new().build()
    }

    /// A builder, to add the user's files.
    pub fn builder() -> CatalogBuilder {
        CatalogBuilder::new()
    }
}

/// Builds a [`Catalog`] from the shipped documents and the user's files.
#[derive(Debug)]
pub struct CatalogBuilder {
    builtin: bool,
    inputs: Vec<Result<Arc<Source>, Diagnostic>>,
    /// Documents already loaded (an import's), checked with the others.
    documents: Vec<Document>,
    /// Where read files' trees are kept between runs (none by default).
    cache: Option<Cache>,
    files: usize,
    max_file_bytes: usize,
    /// Files already added (canonical paths): a file reached twice is read once.
    seen: std::collections::HashSet<PathBuf>,
}

impl Default for CatalogBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl CatalogBuilder {
    /// A builder that starts with the shipped documents.
    pub fn new() -> Self {
        Self {
            builtin: true,
            inputs: Vec::new(),
            documents: Vec::new(),
            cache: None,
            files: 0,
            max_file_bytes: MAX_FILE_BYTES,
            seen: std::collections::HashSet::new(),
        }
    }

    /// The largest file accepted, in bytes (default [`MAX_FILE_BYTES`], 64 MiB, which is also
    /// the most it can be set to). Larger files are reported as `too-large` without being read.
    #[must_use]
    pub fn max_file_bytes(mut self, bytes: usize) -> Self {
        self.max_file_bytes = bytes.min(MAX_FILE_BYTES);
        self
    }

    /// Keeps the trees read from the user's files in this cache, and reads a file unchanged
    /// since from it instead of parsing it again (see [`Cache`]). Off by default.
    #[must_use]
    pub fn cache(mut self, cache: Option<Cache>) -> Self {
        self.cache = cache;
        self
    }

    /// Whether to include the shipped documents (`--no-builtin` turns them off).
    #[must_use]
    pub fn builtin(mut self, yes: bool) -> Self {
        self.builtin = yes;
        self
    }

    /// Adds a file, or every `*.yaml`, `*.yml` and `*.json` file under a folder (in name order).
    /// A file reached twice (named twice, or inside two folders given) is read once.
    /// Returns how many files were found.
    pub fn add_path(&mut self, path: &Path) -> Result<usize, CatalogError> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CatalogError::NotFound {
                path: path.to_owned(),
            },
            _ => CatalogError::Io {
                path: path.to_owned(),
                source: e,
            },
        })?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)?;
            for f in &files {
                self.add_file(f)?;
            }
            Ok(files.len())
        } else {
            self.add_file(path)?;
            Ok(1)
        }
    }

    fn add_file(&mut self, path: &Path) -> Result<(), CatalogError> {
        let io = |source| CatalogError::Io {
            path: path.to_owned(),
            source,
        };
        if !self.seen.insert(std::fs::canonicalize(path).map_err(io)?) {
            return Ok(());
        }
        let name = path.to_string_lossy().into_owned();
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        if len > self.max_file_bytes as u64 {
            self.inputs
                .push(Err(too_large(&name, len, self.max_file_bytes)));
            self.files += 1;
            return Ok(());
        }
        // A file that grows while read, or a device that never ends, stops at the limit.
        match crate::files::read_limited(file, self.max_file_bytes as u64) {
            Ok(bytes) => self.add_bytes(&name, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                let over = self.max_file_bytes as u64 + 1;
                self.inputs
                    .push(Err(too_large(&name, over, self.max_file_bytes)));
                self.files += 1;
            }
            Err(e) => return Err(io(e)),
        }
        Ok(())
    }

    /// Adds a document from memory; `name` is how diagnostics name it.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) {
        self.files += 1;
        if bytes.len() > self.max_file_bytes {
            self.inputs.push(Err(too_large(
                name,
                bytes.len() as u64,
                self.max_file_bytes,
            )));
        } else {
            self.inputs.push(load::decode(name, bytes, false));
        }
    }

    /// Adds a document already loaded (one an import made), to be checked against the others
    /// as if it were a file; its diagnostics point where it was read from. It is not among
    /// [`Catalog::user_sources`], which lists text.
    pub fn add_document(&mut self, document: Document) {
        self.documents.push(document);
    }

    /// Loads and checks everything added. Problems are in [`Catalog::diagnostics`].
    pub fn build(self) -> Catalog {
        let mut diags = Vec::new();
        let mut sources = Vec::new();
        if self.builtin {
            for (name, text) in builtin::BUILTIN {
                match load::decode(name, text.as_bytes(), true) {
                    Ok(s) => sources.push(s),
                    Err(d) => diags.push(d),
                }
            }
        }
        for input in self.inputs {
            match input {
                Ok(s) => sources.push(s),
                Err(d) => diags.push(d),
            }
        }
        let user_sources: Vec<Arc<Source>> = sources
            .iter()
            .filter(|s| !s.is_builtin())
            .cloned()
            .collect();
        let mut docs = Documents::default();
        for (doc, mut found) in load_all(&sources, self.cache.as_ref()) {
            diags.append(&mut found);
            if let Some(doc) = doc {
                docs.insert(doc, &mut diags);
            }
        }
        let imported = !self.documents.is_empty();
        for doc in self.documents {
            docs.insert(doc, &mut diags);
        }
        let mut catalog = Catalog {
            frameworks: docs.frameworks.list,
            curricula: docs.curricula.list,
            mappings: docs.mappings.list,
            roles: docs.roles.list,
            framework_index: IdMap::default(),
            curriculum_index: IdMap::default(),
            mapping_index: IdMap::default(),
            role_index: IdMap::default(),
            graph: CompetenceGraph::default(),
            diagnostics: Vec::new(),
            files: self.files,
            user_sources,
        };
        catalog.index();
        // The same sources as a catalog built before without a single diagnostic: its links
        // are read back (checked to fit) instead of resolving and checking every reference
        // and looking for cycles again. Only files' text counts, so not with imported documents.
        let links = self
            .cache
            .as_ref()
            .filter(|_| !imported && diags.is_empty())
            .map(|cache| (cache, Cache::catalog_key(&sources)));
        if let Some(edges) = links
            .and_then(|(cache, key)| cache.get_links(key))
            .filter(|edges| edges.fit(&catalog))
        {
            catalog.graph = CompetenceGraph::build(&edges);
            self.cache.iter().for_each(Cache::tidy);
            return catalog;
        }
        let edges = validate::references(&catalog, &mut diags);
        catalog.graph = CompetenceGraph::build(&edges);
        validate::cycles(&catalog, &mut diags);
        if let (Some((cache, key)), true) = (links, diags.is_empty()) {
            cache.put_links(key, &edges);
        }
        self.cache.iter().for_each(Cache::tidy);
        catalog.diagnostics = diagnostic::cap(diags);
        catalog
    }
}

/// What loading one source gave: its document (unless it could not be made) and its problems.
type Loaded = (Option<Document>, Vec<Diagnostic>);

/// Loads every source, in parallel on the machine's cores (largest files first, so one big file
/// does not start last), and gives the results in the sources' order, so the catalog and its
/// diagnostics are the same however the work was shared.
fn load_all(sources: &[Arc<Source>], cache: Option<&Cache>) -> Vec<Loaded> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(sources.len());
    if workers <= 1 {
        return sources
            .iter()
            .map(|s| {
                let mut found = Vec::new();
                (load::load(s, cache, &mut found), found)
            })
            .collect();
    }
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sources[i].text().len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Loaded>> = (0..sources.len()).map(|_| None).collect();
    let done: Vec<Vec<(usize, Loaded)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&i) = order.get(k) else { break };
                        let mut found = Vec::new();
                        let doc = load::load(&sources[i], cache, &mut found);
                        mine.push((i, (doc, found)));
                    }
                    mine
                })
            })
            .collect();
        // A worker that panicked passes its panic on: no file is lost in silence.
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for (i, r) in done.into_iter().flatten() {
        if let Some(slot) = results.get_mut(i) {
            *slot = Some(r);
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or((None, Vec::new())))
        .collect()
}

fn too_large(name: &str, len: u64, limit: usize) -> Diagnostic {
    Diagnostic::in_file(
        Code::TooLarge,
        name,
        1,
        1,
        format!("file is {len} bytes, over the limit of {limit} bytes"),
    )
    .with_help("split the document into several files, or check that this is the file you meant")
}

/// Every document file under `dir`, in name order (a folder's files where its name falls
/// among its siblings): regular files (or links to them) named `*.yaml`, `*.yml` or `*.json`,
/// not hidden. Each folder is read once, however many links lead to it, so a link that loops is
/// no trap; FIFOs, sockets and devices are not documents and are passed over (reading one could
/// block forever). Iterative: no folder depth can exhaust the stack.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CatalogError> {
    let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    // Each open folder's entries, in reverse name order (the next one last).
    let mut open: Vec<Vec<PathBuf>> = vec![vec![dir.to_owned()]];
    while let Some(entries) = open.last_mut() {
        let Some(path) = entries.pop() else {
            open.pop();
            continue;
        };
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') && path != dir {
            continue;
        }
        // Following links; a broken one is passed over like any other non-document.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            let io = |source| CatalogError::Io {
                path: path.clone(),
                source,
            };
            if !seen.insert(std::fs::canonicalize(&path).map_err(io)?) {
                continue;
            }
            let mut inside: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(io)?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()
                .map_err(io)?;
            inside.sort();
            inside.reverse();
            open.push(inside);
        } else if meta.is_file() {
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json") {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// Documents by kind, with the replacement and duplicate rules applied.
#[derive(Default)]
struct Documents {
    frameworks: Placed<Framework>,
    curricula: Placed<Curriculum>,
    mappings: Placed<Mapping>,
    roles: Placed<Role>,
}

/// Documents of one kind in load order, with their positions by id (so placing each is
/// constant time, and loading grows with the number of documents, not its square).
struct Placed<T> {
    list: Vec<T>,
    by_id: IdMap<crate::ids::DocId, usize>,
}

impl<T> Default for Placed<T> {
    fn default() -> Self {
        Self {
            list: Vec::new(),
            by_id: IdMap::default(),
        }
    }
}

fn place<T>(
    placed: &mut Placed<T>,
    doc: T,
    info: fn(&T) -> &DocumentInfo,
    diags: &mut Vec<Diagnostic>,
) {
    let new = info(&doc);
    let Some(&pos) = placed.by_id.get(&new.id) else {
        placed.by_id.insert(new.id.clone(), placed.list.len());
        placed.list.push(doc);
        return;
    };
    let list = &mut placed.list;
    let Some(old) = list.get(pos).map(info) else {
        return;
    };
    if old.is_builtin() && !new.is_builtin() {
        if old.loc.source.text() != new.loc.source.text() {
            diags.push(
                Diagnostic::at(
                    Code::ReplacesBuiltin,
                    &new.loc,
                    format!("{} `{}` replaces the shipped one", new.kind, new.id),
                )
                .with_label("replaces the shipped document")
                .with_help(format!(
                    "this is fine if intended; give the document another id to use both (the shipped one is `{}`)",
                    old.file()
                )),
            );
        }
        if let Some(slot) = list.get_mut(pos) {
            *slot = doc;
        }
        return;
    }
    diags.push(
        Diagnostic::at(
            Code::DuplicateDocument,
            &new.loc,
            format!("duplicate {} id `{}` in the catalog", new.kind, new.id),
        )
        .with_label("defined again here")
        .with_related(&old.loc, format!("`{}` first defined here", old.id))
        .with_help("give each document of a kind its own id; the first one is used"),
    );
}

impl Documents {
    fn insert(&mut self, doc: Document, diags: &mut Vec<Diagnostic>) {
        match doc {
            Document::Framework(d) => place(&mut self.frameworks, d, |d| &d.info, diags),
            Document::Curriculum(d) => place(&mut self.curricula, d, |d| &d.info, diags),
            Document::Mapping(d) => place(&mut self.mappings, d, |d| &d.info, diags),
            Document::Role(d) => place(&mut self.roles, d, |d| &d.info, diags),
        }
    }
}
