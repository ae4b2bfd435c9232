//! A parsed file as the cross-file analysis holds it: a small summary of
//! what other files may ask of it, always in memory, and its full facts,
//! either in memory or in the scan's [`Spill`] file.
//!
//! Peak memory then grows with the summaries (a tenth of the facts), not
//! with the facts of every parsed file: each pass opens one file's full
//! facts at a time (see [`super::scope::ProjectIndex::open`]).

use std::borrow::Cow;
use std::sync::Arc;

use crate::model::{Expr, FileFacts, Function, Lang, Lines};
use crate::pipeline::spill::{Slot, Spill};

/// Where a name is read: a bare name is a value; the object of a member
/// access a value or a type (`Config.shared`).
#[derive(Clone, Copy, PartialEq)]
enum Read {
    Bare,
    Object,
}

/// The names `facts`' expressions start from (call arguments, the objects
/// of member calls, bound values, parameter defaults: `BASE_PATH`,
/// `ApiConfig` of `ApiConfig.BASE_URL`, `Api` of `Api.shared.get(…)`) and
/// the types of its parameters, fields and locals, that another file may
/// declare: every lookup of a constant or type in another file starts
/// from one of them. A TypeScript file reaches another's names only through
/// its imports, so its other names are left out. Hashed with
/// [`crate::pipeline::prefilter::declared_hash`], for the prefilter's second
/// phase (see [`super::demand`]).
///
/// Returned with the part of them a call's receiver starts from (the
/// objects of member calls and accesses, the types of parameters): what
/// can make one of the file's calls a sink or a wrapper call once another
/// file declaring it is parsed (`ContactPicture` of
/// `ContactPicture.getLoader().load(url)`). A name only handed to a call
/// changes the value sent, not whether the call is one. Both are sorted.
pub fn referenced_names(facts: &FileFacts) -> (Vec<u32>, Vec<u32>) {
    fn roots<'e>(expr: &'e Expr, read: Read, out: &mut Vec<(&'e str, Read)>) {
        match expr {
            Expr::Ident(name) => out.push((name, read)),
            Expr::Member(object, _) => roots(object, Read::Object, out),
            Expr::Call(call) => {
                callee_root(&call.callee, out);
                for arg in &call.args {
                    roots(&arg.value, Read::Bare, out);
                }
            }
            Expr::Concat(parts) | Expr::Array(parts) => parts.iter().for_each(|p| roots(p, Read::Bare, out)),
            Expr::Object(fields) => fields.iter().for_each(|(_, v)| roots(v, Read::Bare, out)),
            Expr::Fallback(a, b) => {
                roots(a, Read::Bare, out);
                roots(b, Read::Bare, out);
            }
            Expr::Str(_) | Expr::Number(_) | Expr::Bool(_) | Expr::Function | Expr::Unknown(_) => {}
        }
    }
    // A called name is a function (found through its calls, see
    // `WrapperCall`) or a constructor; the object of a member call
    // (`Config.shared.url()`) is read.
    fn callee_root<'e>(callee: &'e Expr, out: &mut Vec<(&'e str, Read)>) {
        if let Expr::Member(object, _) = callee {
            roots(object, Read::Object, out);
        }
    }
    let mut names: Vec<(&str, Read)> = Vec::new();
    for site in &facts.calls {
        callee_root(&site.call.callee, &mut names);
        for arg in &site.call.args {
            roots(&arg.value, Read::Bare, &mut names);
        }
    }
    for binding in &facts.bindings {
        roots(&binding.value, Read::Bare, &mut names);
    }
    for function in &facts.functions {
        for default in function.params.iter().filter_map(|p| p.default.as_ref()) {
            roots(default, Read::Bare, &mut names);
        }
    }
    let objects: Vec<(&str, Read)> = names
        .iter()
        .copied()
        .filter(|(_, read)| *read == Read::Object)
        .collect();
    (hashed(facts, names), hashed(facts, objects))
}

/// The [`crate::pipeline::prefilter::declared_hash`]es of `names` as
/// `facts` reads them, and of its parameters' types, sorted.
fn hashed(facts: &FileFacts, names: Vec<(&str, Read)>) -> Vec<u32> {
    use crate::pipeline::prefilter::{declared_hash, Declared};

    // Swift, Kotlin and Java read a type's static members
    // (`ApiConfig.BASE_URL`); TypeScript only exported values.
    let types_have_members = facts.lang != Lang::Typescript;
    let mut out: Vec<u32> = Vec::new();
    let mut push = |name: &str, read: Read| {
        let root = name.split('.').next().unwrap_or(name).as_bytes();
        out.push(declared_hash(Declared::Value, root));
        if read == Read::Object && types_have_members {
            out.push(declared_hash(Declared::Type, root));
        }
    };
    if facts.lang == Lang::Typescript {
        // The exported name of an imported one (`import { a as b }`), and
        // the module's stem (a default or namespace import).
        let used: rustc_hash::FxHashMap<&str, Read> = names.into_iter().collect();
        for import in &facts.imports {
            let mut uses_module = false;
            for local in &import.names {
                if let Some(&read) = used.get(local.as_str()) {
                    push(import.exported_name(local), read);
                    uses_module = true;
                }
            }
            if uses_module && import.source.starts_with('.') {
                if let Some(stem) = crate::pipeline::declarations::module_stem(&import.source) {
                    push(stem, Read::Bare);
                }
            }
        }
    } else {
        for (name, read) in names {
            push(name, read);
        }
    }
    // A parameter's type: a request body's fields are its type's.
    let params: rustc_hash::FxHashSet<(&str, &str)> = facts
        .functions
        .iter()
        .flat_map(|f| f.params.iter().map(move |p| (f.name.as_str(), p.name.as_str())))
        .collect();
    for typed in &facts.typed {
        let is_param = typed
            .function
            .as_deref()
            .is_some_and(|f| params.contains(&(f, typed.name.as_str())));
        if is_param {
            out.push(declared_hash(Declared::Type, typed.type_name.as_bytes()));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The types and module-level values `summary` declares, as
/// [`crate::pipeline::prefilter::declared_hash`]es: what another file's
/// [`referenced_names`] may name.
pub fn declared_names(summary: &FileFacts) -> impl Iterator<Item = u32> + '_ {
    use crate::pipeline::prefilter::{declared_hash, Declared};

    let types = summary
        .types
        .iter()
        .map(|t| declared_hash(Declared::Type, super::types::simple(&t.name).as_bytes()));
    let values = summary.bindings.iter().filter(|b| b.function.is_none()).map(|b| {
        declared_hash(
            Declared::Value,
            b.name.split('.').next().unwrap_or(&b.name).as_bytes(),
        )
    });
    // A TypeScript module is imported by its file's name.
    let stem = (summary.lang == Lang::Typescript)
        .then(|| crate::pipeline::declarations::module_stem(&summary.path))
        .flatten()
        .map(|s| declared_hash(Declared::Value, s.as_bytes()));
    types.chain(values).chain(stem)
}

/// One parsed file of the project.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// The facts other files' analysis reads: path, language, imports, the
    /// bindings visible from outside a function (module-level ones and
    /// class fields, `this.x`/`self.x`), the functions other files ask
    /// about (see [`visible_from_other_files`]), the type declarations and
    /// the fields' declared types. Its other lists are empty.
    pub summary: FileFacts,
    /// Names following `class `, `object `, `struct ` or `enum ` on some
    /// line: `Config.baseURL` is looked up in the file declaring `Config`.
    declared_types: Vec<String>,
    /// Functions of this file that check a host (DNS lookups, private
    /// ranges), found while the full facts were at hand.
    pub detected_guards: Vec<String>,
    /// Hashes of the last names of the file's callees (`get` of
    /// `api.get`), sorted: a wrapper round opens only the files that may
    /// call one of its wrappers.
    callee_names: Vec<u32>,
    /// The names the file's expressions start from that another file may
    /// declare, as [`crate::pipeline::prefilter::declared_hash`]es, sorted
    /// (see [`referenced_names`]).
    pub referenced: Vec<u32>,
    /// The part of `referenced` a call's receiver starts from (see
    /// [`referenced_names`]).
    pub receivers: Vec<u32>,
    body: Body,
}

#[derive(Debug, Clone)]
enum Body {
    Held(Box<FileFacts>),
    Spilled(Arc<Spill>, Slot),
}

impl ParsedFile {
    pub fn new(facts: FileFacts) -> ParsedFile {
        let summary = FileFacts {
            bindings: facts
                .bindings
                .iter()
                .filter(|b| {
                    b.function.is_none() || b.name.starts_with("this.") || b.name.starts_with("self.")
                })
                .cloned()
                .collect(),
            functions: facts
                .functions
                .iter()
                .filter(|f| visible_from_other_files(f))
                .cloned()
                .collect(),
            imports: facts.imports.clone(),
            types: facts.types.clone(),
            typed: facts
                .typed
                .iter()
                .filter(|t| t.function.is_none())
                .cloned()
                .collect(),
            parse_error: facts.parse_error,
            ..FileFacts::empty(&facts.path, facts.lang)
        };
        let (referenced, receivers) = referenced_names(&facts);
        let mut callee_names: Vec<u32> = facts
            .calls
            .iter()
            .map(|c| name_hash(c.callee.rsplit('.').next().unwrap_or(&c.callee)))
            .collect();
        // Renamed imports are called by their local name.
        callee_names.extend(
            facts
                .imports
                .iter()
                .flat_map(|i| i.renamed.iter().map(|(_, exported)| name_hash(exported))),
        );
        callee_names.sort_unstable();
        callee_names.dedup();
        ParsedFile {
            summary,
            declared_types: declared_types(&facts.lines),
            detected_guards: super::guards::detected_in(&facts),
            callee_names,
            referenced,
            receivers,
            body: Body::Held(Box::new(facts)),
        }
    }

    pub fn path(&self) -> &str {
        &self.summary.path
    }

    /// Reports this file under another path (a renamed file in `diff`).
    pub fn relabel(&mut self, path: &str) {
        self.summary.path = path.to_string();
        if let Body::Held(facts) = &mut self.body {
            facts.path = path.to_string();
        }
    }

    /// Moves the full facts to `spill`; they stay in memory when writing
    /// fails.
    pub fn spill_to(&mut self, spill: &Arc<Spill>) {
        if let Body::Held(facts) = &self.body {
            if let Some(slot) = spill.put(facts) {
                self.body = Body::Spilled(Arc::clone(spill), slot);
            }
        }
    }

    /// The full facts. A spilled file's facts that cannot be read back
    /// (the temporary file was damaged under the scan) are its summary:
    /// the file's own calls are then missing, and the command line warns
    /// (see [`crate::pipeline::spill::failed_reads`]); nothing panics.
    pub fn facts(&self) -> Cow<'_, FileFacts> {
        match &self.body {
            Body::Held(facts) => Cow::Borrowed(facts),
            Body::Spilled(spill, slot) => {
                let mut facts = spill.get(*slot).unwrap_or_else(|| self.summary.clone());
                facts.path.clone_from(&self.summary.path);
                Cow::Owned(facts)
            }
        }
    }

    /// False when no callee of the file has one of the `names` (hashed with
    /// [`name_hash`]) as its last name.
    pub fn may_call_any(&self, names: &rustc_hash::FxHashSet<u32>) -> bool {
        self.callee_names.iter().any(|h| names.contains(h))
    }

    /// True when a line of the file declares a type whose name starts with
    /// `type_name` (`class Config`, `object ApiConfig`).
    pub fn declares(&self, type_name: &str) -> bool {
        self.declared_types.iter().any(|t| t.starts_with(type_name))
    }
}

/// Functions other files' analysis looks up: constructors (their
/// parameters name what a `new X(…)` argument is, and their defaults give
/// fields' values) and functions taking a URL-named parameter (a literal
/// passed there is an endpoint). Functions were most of a summary's size;
/// wrappers are found while their own file is open, so need none.
fn visible_from_other_files(function: &Function) -> bool {
    let simple = function.name.rsplit('.').next().unwrap_or(&function.name);
    matches!(simple, "constructor" | "init" | "<init>")
        || function.params.iter().any(|p| super::names::is_url_key(&p.name))
}

/// A short hash of a callee's last name, for [`ParsedFile::may_call_any`].
pub fn name_hash(name: &str) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
    hasher.write(name.as_bytes());
    hasher.finish() as u32
}

fn declared_types(lines: &Lines) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines.iter() {
        for keyword in ["object ", "class ", "struct ", "enum "] {
            for (at, _) in line.match_indices(keyword) {
                let rest = &line[at + keyword.len()..];
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                if end > 0 && !out.iter().any(|t| t == &rest[..end]) {
                    out.push(rest[..end].to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;
    use crate::model::{Binding, Expr, Span};

    #[test]
    fn receivers_are_the_names_calls_start_from() {
        use crate::pipeline::prefilter::{declared_hash, Declared};
        let facts = crate::pipeline::extract::facts_of(
            "app/Sync.kt",
            "fun sync(api: Backend) {\n    ContactPicture.getLoader().load(BASE_URL)\n    api.push(TIMEOUT)\n}\n",
        );
        let (referenced, receivers) = referenced_names(&facts);
        for ty in ["ContactPicture", "Backend"] {
            assert!(
                receivers.contains(&declared_hash(Declared::Type, ty.as_bytes())),
                "{ty}"
            );
        }
        for value in ["BASE_URL", "TIMEOUT"] {
            let hash = declared_hash(Declared::Value, value.as_bytes());
            assert!(
                referenced.contains(&hash) && !receivers.contains(&hash),
                "{value}"
            );
        }
    }

    fn function(name: &str, params: &[&str]) -> Function {
        Function {
            name: name.into(),
            params: params
                .iter()
                .map(|p| crate::model::Param {
                    name: p.to_string(),
                    default: None,
                })
                .collect(),
            span: Span::default(),
        }
    }

    fn facts() -> FileFacts {
        let binding = |name: &str, function: Option<&str>| Binding {
            name: name.into(),
            value: Expr::Str("https://api.example.com".into()),
            exported: false,
            function: function.map(String::from),
            span: Span::default(),
        };
        FileFacts {
            bindings: vec![
                binding("BASE", None),
                binding("local", Some("Api.get")),
                binding("this.base", Some("Api.constructor")),
            ],
            functions: vec![
                function("Api.<init>", &[]),
                function("Api.get", &["path"]),
                function("Api.fetchFrom", &["path", "baseUrl"]),
                function("helper", &[]),
            ],
            lines: Lines::new(b"object ApiConfig {\n  val x = 1\n}\nprivate data class Body(val a: Int)\n"),
            ..FileFacts::empty("src/api.kt", Lang::Kotlin)
        }
    }

    #[test]
    fn summary_keeps_what_other_files_can_see() {
        let parsed = ParsedFile::new(facts());
        let names: Vec<&str> = parsed.summary.bindings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["BASE", "this.base"]);
        let functions: Vec<&str> = parsed.summary.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(functions, ["Api.<init>", "Api.fetchFrom"]);
        assert!(parsed.summary.lines.iter().next().is_none());
        assert!(parsed.declares("ApiConfig") && parsed.declares("Api") && parsed.declares("Body"));
        assert!(!parsed.declares("Config"));
        assert_eq!(parsed.facts().bindings.len(), 3);
    }

    #[test]
    fn spilled_facts_read_back_whole_under_the_current_path() {
        let spill = Arc::new(Spill::new().expect("temp file"));
        let mut parsed = ParsedFile::new(facts());
        parsed.spill_to(&spill);
        assert!(matches!(parsed.body, Body::Spilled(..)));
        parsed.relabel("src/renamed.kt");
        let full = parsed.facts();
        assert_eq!(full.path, "src/renamed.kt");
        assert_eq!(full.bindings.len(), 3);
        assert_eq!(full.functions.len(), 4);
        assert_eq!(full.lines.iter().count(), 4);
    }
}
