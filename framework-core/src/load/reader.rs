//! Checked reading of the spanned tree: fields, text, ids, references, numbers.

use std::borrow::Cow;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Loc, Source};
use crate::ids::{FrameworkId, IdError, ItemId, ItemRef};
use crate::suggest::did_you_mean;
use crate::yaml::{Node, Number, Value};

/// Where diagnostics for one source go.
pub(crate) struct Ctx<'a> {
    pub source: &'a Arc<Source>,
    pub diags: &'a mut Vec<Diagnostic>,
    /// The frameworks the document's references name, shared between them.
    pub frameworks: crate::ids::FrameworkIds,
}

impl Ctx<'_> {
    pub fn loc(&self, node: &Node) -> Loc {
        Loc {
            source: self.source.clone(),
            span: node.span,
        }
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn error(
        &mut self,
        code: Code,
        node: &Node,
        message: impl Into<String>,
    ) -> DiagBuilder<'_> {
        let d = Diagnostic::at(code, &self.loc(node), message);
        DiagBuilder {
            diags: self.diags,
            d: Some(d),
        }
    }

    pub fn wrong_type(&mut self, node: &Node, expected: &str) {
        let found = node.value.describe();
        self.error(
            Code::WrongType,
            node,
            format!("expected {expected}, found {found}"),
        )
        .label(format!("this is {found}"));
    }
}

/// A diagnostic being built; pushed when dropped.
pub(crate) struct DiagBuilder<'a> {
    diags: &'a mut Vec<Diagnostic>,
    d: Option<Diagnostic>,
}

impl DiagBuilder<'_> {
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.d = self.d.take().map(|d| d.with_help(help));
        self
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.d = self.d.take().map(|d| d.with_label(label));
        self
    }
    pub fn related(mut self, loc: &Loc, message: impl Into<String>) -> Self {
        self.d = self.d.take().map(|d| d.with_related(loc, message));
        self
    }
}

impl Drop for DiagBuilder<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.d.take() {
            self.diags.push(d);
        }
    }
}

/// The fields of a mapping, checked against the names allowed there.
pub(crate) struct Fields<'n> {
    node: &'n Node,
    entries: Vec<(Cow<'n, str>, &'n Node)>,
}

impl<'n> Fields<'n> {
    /// Reads a mapping; reports a non-mapping, duplicate keys and unknown fields.
    pub fn read(ctx: &mut Ctx<'_>, node: &'n Node, what: &str, allowed: &[&str]) -> Option<Self> {
        let Value::Map(pairs) = &node.value else {
            ctx.wrong_type(node, &format!("{what} (a mapping of fields)"));
            return None;
        };
        let mut entries: Vec<(Cow<'n, str>, &'n Node)> = Vec::with_capacity(pairs.len());
        let mut keys: Vec<(Cow<'n, str>, &'n Node)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let owned: Cow<'n, str> = match &k.value {
                Value::Str(s) => Cow::Borrowed(s),
                _ => Cow::Owned(ctx.loc(k).text().to_owned()),
            };
            let key = owned.as_ref();
            if let Some((_, first)) = keys.iter().find(|(name, _)| *name == key) {
                let first = ctx.loc(first);
                ctx.error(
                    Code::DuplicateKey,
                    k,
                    format!("field `{key}` appears twice in {what}"),
                )
                .label("second time")
                .related(&first, format!("`{key}` first appears here"))
                .help("keep one of them; YAML keeps only one value per key");
                continue;
            }
            keys.push((owned.clone(), k));
            if !allowed.contains(&key) {
                let help = did_you_mean(key, allowed.iter().copied())
                    .unwrap_or_else(|| format!("the fields of {what} are: {}", allowed.join(", ")));
                ctx.error(
                    Code::UnknownField,
                    k,
                    format!("unknown field `{key}` in {what}"),
                )
                .label("not a field here")
                .help(help);
                continue;
            }
            entries.push((owned, v));
        }
        Some(Self { node, entries })
    }

    /// The field's value; `None` when absent or null.
    pub fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| *v)
            .filter(|v| !matches!(v.value, Value::Null))
    }

    /// The field's value, reporting `missing-field` when absent.
    pub fn required(&self, ctx: &mut Ctx<'_>, name: &str, what: &str) -> Option<&'n Node> {
        let v = self.get(name);
        if v.is_none() {
            let present = self.entries.iter().any(|(k, _)| k == name);
            let message = if present {
                format!("field `{name}` of {what} has no value")
            } else {
                format!("{what} has no `{name}`")
            };
            ctx.error(Code::MissingField, self.node, message)
                .label(format!("`{name}` is required here"))
                .help(format!("add `{name}:` with a value"));
        }
        v
    }
}

/// Text: strings, and numbers or booleans taken as written.
pub(crate) fn text(ctx: &mut Ctx<'_>, node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) if crate::safe::has_unsafe(s) => {
            let c = crate::safe::first_unsafe(s).unwrap_or('?');
            ctx.error(
                Code::UnsafeCharacter,
                node,
                format!(
                    "text holds the control or invisible character U+{:04X}: kept as its escape",
                    c as u32
                ),
            )
            .label("holds a control or invisible character")
            .help("remove it: such characters can hide or reorder what people read");
            Some(crate::safe::escape(s).into_owned())
        }
        Value::Str(s) => Some(s.clone()),
        Value::Number(n) => Some(written(ctx, node, *n)),
        Value::Bool(b) => {
            let loc = ctx.loc(node);
            let t = loc.text();
            Some(if t.is_empty() || t.starts_with(['{', '[']) {
                b.to_string()
            } else {
                t.to_owned()
            })
        }
        _ => {
            ctx.wrong_type(node, "text");
            None
        }
    }
}

pub(crate) fn opt_text(ctx: &mut Ctx<'_>, f: &Fields<'_>, name: &str) -> Option<String> {
    f.get(name).and_then(|n| text(ctx, n))
}

/// A list; null reads as empty.
pub(crate) fn list<'n>(ctx: &mut Ctx<'_>, node: Option<&'n Node>, expected: &str) -> &'n [Node] {
    match node.map(|n| (n, &n.value)) {
        None | Some((_, Value::Null)) => &[],
        Some((_, Value::Seq(items))) => items,
        Some((n, _)) => {
            ctx.wrong_type(n, &format!("a list of {expected}"));
            &[]
        }
    }
}

pub(crate) fn text_list(ctx: &mut Ctx<'_>, node: Option<&Node>, expected: &str) -> Vec<String> {
    list(ctx, node, expected)
        .iter()
        .filter_map(|n| text(ctx, n))
        .collect()
}

pub(crate) fn boolean(ctx: &mut Ctx<'_>, node: &Node) -> Option<bool> {
    match node.value {
        Value::Bool(b) => Some(b),
        _ => {
            ctx.wrong_type(node, "`true` or `false`");
            None
        }
    }
}

/// A number that is not negative.
pub(crate) fn non_negative(ctx: &mut Ctx<'_>, node: &Node, what: &str) -> Option<f64> {
    let v = match node.value {
        Value::Number(Number::Int(i)) => i as f64,
        Value::Number(Number::Float(f)) => f,
        _ => {
            ctx.wrong_type(node, &format!("a number ({what})"));
            return None;
        }
    };
    if v < 0.0 {
        ctx.error(
            Code::InvalidValue,
            node,
            format!("{what} cannot be negative"),
        )
        .label("negative")
        .help(format!("give {what} as 0 or more"));
        return None;
    }
    if !v.is_finite() || v > MAX_QUANTITY {
        ctx.error(
            Code::InvalidValue,
            node,
            format!("{what} cannot be more than {MAX_QUANTITY}"),
        )
        .label("too large")
        .help(format!(
            "give {what} as a number up to {MAX_QUANTITY}: sums of such numbers stay exact enough and never overflow"
        ));
        return None;
    }
    Some(v)
}

/// The largest hours, credits or guided learning hours a document may give (a million): far
/// beyond any course, and small enough that no sum of them overflows.
pub(crate) const MAX_QUANTITY: f64 = 1_000_000.0;

/// A whole number of at least 1.
pub(crate) fn positive_int(ctx: &mut Ctx<'_>, node: &Node, what: &str) -> Option<u32> {
    match node.value {
        Value::Number(Number::Int(i)) if i >= 1 => Some(u32::try_from(i).unwrap_or(u32::MAX)),
        Value::Number(_) => {
            ctx.error(
                Code::InvalidValue,
                node,
                format!("{what} must be a whole number from 1"),
            )
            .label("not a whole number from 1")
            .help(format!("number {what}s from 1"));
            None
        }
        _ => {
            ctx.wrong_type(node, &format!("a whole number ({what})"));
            None
        }
    }
}

/// The text of an id or reference, refusing numbers that YAML read in a lossy way.
pub(crate) fn id_text(ctx: &mut Ctx<'_>, node: &Node, what: &str) -> Option<(String, Loc)> {
    let loc = ctx.loc(node);
    match &node.value {
        Value::Str(s) => Some((s.clone(), loc)),
        Value::Number(n) => {
            let written = written(ctx, node, *n);
            let lossless = matches!(n, Number::Int(i) if i.to_string() == written);
            if lossless {
                return Some((written, loc));
            }
            let read = match n {
                Number::Int(i) => i.to_string(),
                Number::Float(f) => format_float(*f),
            };
            ctx.error(
                Code::NumericId,
                node,
                format!("{what} `{written}` is an unquoted number: YAML reads it as the number {read}, not the text `{written}`"),
            )
            .label("unquoted number")
            .help(format!("quote it so it stays text: `\"{written}\"`"));
            None
        }
        _ => {
            ctx.wrong_type(node, &format!("{what} (text)"));
            None
        }
    }
}

/// A number as it is written in the source; as Rust writes it when the node was made in memory
/// (an import places such nodes at the object they came from, so their span holds an object).
fn written(ctx: &Ctx<'_>, node: &Node, n: Number) -> String {
    let loc = ctx.loc(node);
    let text = loc.text();
    if !text.is_empty() && !text.starts_with(['{', '[']) {
        return text.to_owned();
    }
    match n {
        Number::Int(i) => i.to_string(),
        Number::Float(f) => format_float(f),
    }
}

fn format_float(f: f64) -> String {
    let s = f.to_string();
    if s.contains(['.', 'e', 'E', 'i', 'N']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// An id, checked by `make`.
pub(crate) fn id<T>(
    ctx: &mut Ctx<'_>,
    node: &Node,
    what: &str,
    make: fn(&str) -> Result<T, IdError>,
) -> Option<(T, Loc)> {
    let (s, loc) = id_text(ctx, node, what)?;
    match make(&s) {
        Ok(id) => Some((id, loc)),
        Err(e) => {
            let help = match e {
                IdError::NotKebabCase(_) => format!("use kebab-case, such as `{}`", kebab(&s)),
                _ => "ids are written as published, without spaces or `:`".to_owned(),
            };
            ctx.error(Code::InvalidId, node, format!("invalid {what}: {e}"))
                .label("invalid id")
                .help(help);
            None
        }
    }
}

fn kebab(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "my-document".to_owned()
    } else {
        out
    }
}

/// How bare references are read where they appear.
pub(crate) enum BareRefs {
    /// They mean this framework.
    In(FrameworkId),
    /// They cannot be read; the text says why.
    Refused(String),
}

/// An item reference, qualified: `FRAMEWORK:ITEM`, `FRAMEWORK:*`, or a bare `ITEM`.
pub(crate) fn item_ref(ctx: &mut Ctx<'_>, node: &Node, bare: &BareRefs) -> Option<(ItemRef, Loc)> {
    let (s, loc) = id_text(ctx, node, "reference")?;
    let parsed = if let Some((fw, item)) = s.split_once(':') {
        ctx.frameworks
            .get(fw)
            .map_err(|e| (e, "framework"))
            .and_then(|fw| {
                if item == "*" {
                    Ok(ItemRef::all(fw))
                } else {
                    ItemId::new(item)
                        .map(|i| ItemRef::item(fw, i))
                        .map_err(|e| (e, "item"))
                }
            })
    } else {
        match bare {
            BareRefs::In(fw) => {
                if s == "*" {
                    Ok(ItemRef::all(fw.clone()))
                } else {
                    ItemId::new(&s)
                        .map(|i| ItemRef::item(fw.clone(), i))
                        .map_err(|e| (e, "item"))
                }
            }
            BareRefs::Refused(why) => {
                ctx.error(
                    Code::UnqualifiedRef,
                    node,
                    format!("cannot tell which framework `{s}` is in"),
                )
                .label("no framework named")
                .help(format!("{why}: write `FRAMEWORK:{s}`"));
                return None;
            }
        }
    };
    match parsed {
        Ok(r) => Some((r, loc)),
        Err((e, part)) => {
            ctx.error(Code::InvalidId, node, format!("invalid {part} in reference `{s}`: {e}"))
                .label("invalid reference")
                .help("write `FRAMEWORK:ITEM`, `FRAMEWORK:*`, or a bare `ITEM` where the framework is known");
            None
        }
    }
}

/// A value from a closed set, reporting `code` with a suggestion otherwise.
pub(crate) fn one_of<T: Copy>(
    ctx: &mut Ctx<'_>,
    node: &Node,
    what: &str,
    code: Code,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Option<T> {
    let s = text(ctx, node)?;
    if let Some(v) = all.iter().copied().find(|v| name(*v) == s) {
        return Some(v);
    }
    let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
    let help = did_you_mean(&s, names.iter().copied())
        .unwrap_or_else(|| format!("use one of: {}", names.join(", ")));
    ctx.error(code, node, format!("unknown {what} `{s}`"))
        .label(format!("not a known {what}"))
        .help(help);
    None
}

#[cfg(test)]
mod tests {
    use super::kebab;

    #[test]
    fn kebab_suggestions() {
        assert_eq!(kebab("Care Certificate 2015"), "care-certificate-2015");
        assert_eq!(kebab("__"), "my-document");
    }
}
