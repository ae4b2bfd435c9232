//! Name lookup for URL reconstruction: parameters of the enclosing function,
//! local and module-level bindings, class fields, and constants exported by
//! other files of the project.

use rustc_hash::FxHashMap as HashMap;

use super::parsed::ParsedFile;
use crate::model::Lang;
use crate::model::{Expr, FileFacts, Function, Param};

/// Per-file name tables, built once.
pub struct FileIndex {
    bindings: HashMap<String, Vec<usize>>,
    functions: HashMap<String, usize>,
    imported: rustc_hash::FxHashSet<String>,
}

impl FileIndex {
    pub fn new(facts: &FileFacts) -> FileIndex {
        let mut bindings: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, b) in facts.bindings.iter().enumerate() {
            bindings.entry(b.name.clone()).or_default().push(i);
            // `this.x = …` is also reachable as `self.x` and vice versa.
            if let Some(field) = b
                .name
                .strip_prefix("this.")
                .or_else(|| b.name.strip_prefix("self."))
            {
                bindings.entry(format!("this.{field}")).or_default().push(i);
                bindings.entry(format!("self.{field}")).or_default().push(i);
            }
            // Swift `API.base` is also `base` and `Self.base` inside its type.
            if facts.lang == Lang::Swift {
                if let Some((_, member)) = b.name.rsplit_once('.') {
                    if !b.name.starts_with("self.") {
                        bindings.entry(member.to_string()).or_default().push(i);
                        bindings.entry(format!("Self.{member}")).or_default().push(i);
                    }
                }
            }
        }
        let mut functions = HashMap::default();
        for (i, f) in facts.functions.iter().enumerate() {
            functions.entry(f.name.clone()).or_insert(i);
        }
        let imported = facts
            .imports
            .iter()
            .flat_map(|i| i.names.iter().cloned())
            .collect();
        FileIndex {
            bindings,
            functions,
            imported,
        }
    }
}

/// What every pass of the analysis can read of every file: the files'
/// summaries (see [`ParsedFile`]), their name tables, and the exported
/// names and functions across files. Built once per analysis.
pub struct ProjectIndex<'a> {
    files: &'a [&'a ParsedFile],
    /// Name tables of the summaries, built when a lookup first reaches the
    /// file from another one: most files are never reached that way.
    indices: Vec<std::sync::OnceLock<FileIndex>>,
    by_path: HashMap<&'a str, usize>,
    /// Exported binding name → (file, binding) pairs; the binding indexes
    /// the file's summary, also when that file is the open one.
    exports: HashMap<String, Vec<(usize, usize)>>,
    /// Simple function name (`request` of `Client.request`) → (file,
    /// function) pairs: a call's callee is known by its last name only.
    functions: HashMap<String, Vec<(usize, usize)>>,
    /// Class hierarchy and field types across files, by language family
    /// (see [`ProjectIndex::types`]).
    types: super::types::TypeIndexes,
    /// Per framework of the sink catalog, the project's one base URL;
    /// computed on first use (see `rules::outbound_call`).
    pub framework_bases: std::sync::OnceLock<Vec<Option<super::url::Value>>>,
    /// Per framework, the auth its client's request hooks set; computed on
    /// first use.
    pub framework_auth: std::sync::OnceLock<Vec<Option<String>>>,
}

impl<'a> ProjectIndex<'a> {
    pub fn new(files: &'a [&'a ParsedFile]) -> ProjectIndex<'a> {
        let indices = files.iter().map(|_| std::sync::OnceLock::new()).collect();
        let mut exports: HashMap<String, Vec<(usize, usize)>> = HashMap::default();
        let mut functions: HashMap<String, Vec<(usize, usize)>> = HashMap::default();
        let mut by_path = HashMap::default();
        for (fi, file) in files.iter().enumerate() {
            let facts = &file.summary;
            by_path.entry(facts.path.as_str()).or_insert(fi);
            for (bi, b) in facts.bindings.iter().enumerate() {
                if b.exported && b.function.is_none() {
                    exports.entry(b.name.clone()).or_default().push((fi, bi));
                }
            }
            for (i, f) in facts.functions.iter().enumerate() {
                let simple = f.name.rsplit('.').next().unwrap_or(&f.name);
                functions.entry(simple.to_string()).or_default().push((fi, i));
            }
        }
        ProjectIndex {
            files,
            indices,
            by_path,
            exports,
            functions,
            types: super::types::TypeIndexes::new(files.iter().map(|f| &f.summary)),
            framework_bases: std::sync::OnceLock::new(),
            framework_auth: std::sync::OnceLock::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn file(&self, file: usize) -> &'a ParsedFile {
        self.files[file]
    }

    /// The class hierarchy and field types code in `lang` can name.
    pub fn types(&self, lang: crate::model::Lang) -> &super::types::TypeIndex {
        self.types.of(lang)
    }

    /// The project seen from `file`, whose full facts are `facts`: lookups
    /// in that file see everything, lookups in other files their summary.
    pub fn open<'v>(&'v self, file: usize, facts: &'v FileFacts) -> Project<'v> {
        Project {
            index: self,
            open: OpenFile {
                file,
                facts,
                names: FileIndex::new(facts),
            },
        }
    }
}

struct OpenFile<'a> {
    file: usize,
    facts: &'a FileFacts,
    names: FileIndex,
}

/// The project as one pass over one file sees it (see
/// [`ProjectIndex::open`]).
pub struct Project<'a> {
    index: &'a ProjectIndex<'a>,
    open: OpenFile<'a>,
}

impl<'a> Project<'a> {
    /// The facts of `file`: in full for the open file, else its summary.
    pub fn facts(&self, file: usize) -> &'a FileFacts {
        if file == self.open.file {
            self.open.facts
        } else {
            &self.index.files[file].summary
        }
    }

    fn names(&self, file: usize) -> &FileIndex {
        if file == self.open.file {
            &self.open.names
        } else {
            self.index.indices[file].get_or_init(|| FileIndex::new(&self.index.files[file].summary))
        }
    }

    pub fn parsed(&self, file: usize) -> &'a ParsedFile {
        self.index.files[file]
    }

    /// The index this view was opened from, to open another file.
    pub fn project_index(&self) -> &'a ProjectIndex<'a> {
        self.index
    }

    /// The function of `file` with the qualified name `name`.
    pub fn function_in(&self, file: usize, name: &str) -> Option<&'a Function> {
        let index = *self.names(file).functions.get(name)?;
        Some(&self.facts(file).functions[index])
    }

    /// Functions of the project whose simple name is `simple`, with their file.
    pub fn functions_named(&self, simple: &str) -> impl Iterator<Item = (usize, &'a Function)> + '_ {
        let files = self.index.files;
        self.index
            .functions
            .get(simple)
            .into_iter()
            .flatten()
            .map(move |&(fi, i)| (fi, &files[fi].summary.functions[i]))
    }

    /// The file a relative import (`./config`, `../lib/settings.js`) names.
    pub fn resolve_module(&self, importer: &str, source: &str) -> Option<usize> {
        if !source.starts_with('.') {
            return None;
        }
        let dir = importer.rsplit_once('/').map_or("", |(d, _)| d);
        let mut parts: Vec<&str> = if dir.is_empty() {
            Vec::new()
        } else {
            dir.split('/').collect()
        };
        for seg in source.split('/') {
            match seg {
                "." | "" => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        let base = parts.join("/");
        let stem = base
            .strip_suffix(".js")
            .or_else(|| base.strip_suffix(".mjs"))
            .or_else(|| base.strip_suffix(".cjs"))
            .unwrap_or(&base);
        const EXTS: &[&str] = &[
            "",
            ".ts",
            ".tsx",
            ".js",
            ".mjs",
            ".cjs",
            ".jsx",
            ".mts",
            ".cts",
            "/index.ts",
            "/index.js",
            "/index.tsx",
        ];
        let by_path = &self.index.by_path;
        EXTS.iter().find_map(|ext| {
            let wanted = format!("{stem}{ext}");
            let exact = format!("{base}{ext}");
            by_path
                .get(wanted.as_str())
                .or_else(|| by_path.get(exact.as_str()))
                .copied()
        })
    }

    pub fn scope(&'a self, file: usize, function: Option<&'a str>) -> Scope<'a> {
        Scope {
            project: self,
            file,
            function,
        }
    }
}

/// The view from one point of one file.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub project: &'a Project<'a>,
    pub file: usize,
    pub function: Option<&'a str>,
}

impl<'a> Scope<'a> {
    pub fn facts(&self) -> &'a FileFacts {
        self.project.facts(self.file)
    }

    /// The types this scope's code can name.
    pub fn types(&self) -> &'a super::types::TypeIndex {
        self.project.project_index().types(self.facts().lang)
    }

    fn index(&self) -> &'a FileIndex {
        self.project.names(self.file)
    }

    pub fn function(&self) -> Option<&'a Function> {
        let name = self.function?;
        self.index()
            .functions
            .get(name)
            .map(|&i| &self.facts().functions[i])
    }

    pub fn param(&self, name: &str) -> Option<&'a Param> {
        self.function()?.params.iter().find(|p| p.name == name)
    }

    /// The declared type of parameter `name` of this scope's function; a
    /// generic parameter (`func dataTask<T: Request>(for request: T)`, `<T
    /// extends Request>`, `<T : Request>`) stands for its bound.
    pub fn param_type(&self, name: &str) -> Option<String> {
        let function = self.function()?;
        let facts = self.facts();
        let declared = facts
            .typed
            .iter()
            .find(|t| t.name == name && t.function.as_deref() == Some(function.name.as_str()))?
            .type_name
            .clone();
        let header = facts.lines.get(function.span.line).unwrap_or_default();
        let bound = header.find('<').and_then(|open| {
            let close = header[open..].find('>').map_or(header.len(), |e| open + e);
            header[open + 1..close].split(',').find_map(|g| {
                let (var, bound) = g.split_once(':').or_else(|| g.split_once(" extends "))?;
                (var.trim() == declared).then(|| {
                    bound
                        .trim()
                        .split(['&', ' ', '<'])
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
            })
        });
        Some(bound.filter(|b| !b.is_empty()).unwrap_or(declared))
    }

    /// Default value of a constructor parameter property (`constructor(private
    /// baseUrl = "https://…")`, Kotlin/Swift init defaults) for `this.field`.
    pub fn constructor_default(&self, field: &str) -> Option<(&'a Expr, Scope<'a>)> {
        let class = self.function?.rsplit_once('.')?.0;
        let facts = self.facts();
        ["constructor", "init", "<init>"].iter().find_map(|ctor| {
            let index = *self.index().functions.get(&format!("{class}.{ctor}"))?;
            let function = &facts.functions[index];
            let param = function.params.iter().find(|p| p.name == field)?;
            let scope = Scope {
                project: self.project,
                file: self.file,
                function: Some(&function.name),
            };
            param.default.as_ref().map(|d| (d, scope))
        })
    }

    /// The value bound to `name`, with the scope to resolve it in.
    pub fn lookup(&self, name: &str) -> Option<(&'a Expr, Scope<'a>)> {
        let facts = self.facts();
        if let Some(candidates) = self.index().bindings.get(name) {
            let pick = |pred: &dyn Fn(Option<&str>) -> bool| {
                candidates
                    .iter()
                    .map(|&i| &facts.bindings[i])
                    .find(|b| pred(b.function.as_deref()))
            };
            let local = pick(&|f| f.is_some() && f == self.function);
            let module = pick(&|f| f.is_none());
            // Fields assigned in a constructor or any method of the class.
            let anywhere = || pick(&|_| true);
            let chosen = local.or(module).or_else(|| {
                if name.starts_with("this.") || name.starts_with("self.") {
                    anywhere()
                } else {
                    None
                }
            });
            if let Some(b) = chosen {
                let scope = Scope {
                    project: self.project,
                    file: self.file,
                    function: b.function.as_deref(),
                };
                return Some((&b.value, scope));
            }
        }
        if let Some(field) = name.strip_prefix("this.").or_else(|| name.strip_prefix("self.")) {
            // Class fields are module-level bindings named by the field.
            if let Some(found) = self.module_binding(field) {
                return Some(found);
            }
        }
        self.lookup_exported(name)
    }

    fn module_binding(&self, name: &str) -> Option<(&'a Expr, Scope<'a>)> {
        let facts = self.facts();
        let candidates = self.index().bindings.get(name)?;
        candidates
            .iter()
            .map(|&i| &facts.bindings[i])
            .find(|b| b.function.is_none() || b.function.as_deref() == self.function)
            .map(|b| {
                (
                    &b.value,
                    Scope {
                        project: self.project,
                        file: self.file,
                        function: None,
                    },
                )
            })
    }

    /// A constant exported by another file. TypeScript needs an import of the
    /// name; Swift, Kotlin and Java see every top-level or static declaration
    /// of the module (Kotlin and Java each other's too: one JVM module).
    fn lookup_exported(&self, name: &str) -> Option<(&'a Expr, Scope<'a>)> {
        let facts = self.facts();
        let root = name.split('.').next().unwrap_or(name);
        let visible = match facts.lang {
            Lang::Typescript => self.index().imported.contains(root),
            Lang::Swift | Lang::Kotlin | Lang::Java => true,
        };
        if !visible {
            return None;
        }
        let Some(candidates) = self.project.index.exports.get(name) else {
            return self.lookup_type_member(name);
        };
        // Prefer the file the name is imported from.
        let source_file = facts
            .imports
            .iter()
            .find(|i| i.names.iter().any(|n| n == root))
            .and_then(|i| self.project.resolve_module(&facts.path, &i.source));
        let &(fi, bi) = candidates
            .iter()
            .find(|(fi, _)| Some(*fi) == source_file)
            .or_else(|| {
                candidates.iter().find(|(fi, _)| {
                    *fi != self.file && self.project.facts(*fi).lang.interoperates(facts.lang)
                })
            })?;
        let binding = &self.project.parsed(fi).summary.bindings[bi];
        Some((
            &binding.value,
            Scope {
                project: self.project,
                file: fi,
                function: None,
            },
        ))
    }

    /// Kotlin `ApiConfig.BASE_URL` / Swift `Config.baseURL` / Java
    /// `ApiConfig.BASE_URL`: a member of an object, companion object or a
    /// static field, exported under its bare name. Prefers the
    /// file that declares the type.
    fn lookup_type_member(&self, name: &str) -> Option<(&'a Expr, Scope<'a>)> {
        let facts = self.facts();
        if facts.lang == Lang::Typescript {
            return None;
        }
        let (root, member) = name.rsplit_once('.')?;
        let type_name = root.rsplit('.').next()?;
        if !type_name.starts_with(|c: char| c.is_ascii_uppercase()) || member.contains('(') {
            return None;
        }
        let candidates = self.project.index.exports.get(member)?;
        let declares = |fi: usize| self.project.parsed(fi).declares(type_name);
        let &(fi, bi) = candidates
            .iter()
            .filter(|(fi, _)| self.project.facts(*fi).lang.interoperates(facts.lang))
            .find(|(fi, _)| declares(*fi))?;
        let binding = &self.project.parsed(fi).summary.bindings[bi];
        Some((
            &binding.value,
            Scope {
                project: self.project,
                file: fi,
                function: None,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exports index the summaries' bindings, which leave out local ones:
    /// a constant of the open file itself must not be read from its full
    /// binding list by that index.
    #[test]
    fn a_type_member_of_the_open_file_resolves_to_its_own_value() {
        let src = "fun helper() {\n    val tmp = \"scratch\"\n}\n\
            object ApiConfig {\n    const val BASE_URL = \"https://api.example.com/v1\"\n}\n\
            fun get() {\n    val u = ApiConfig.BASE_URL\n}\n";
        let full = crate::pipeline::extract::facts_of("Api.kt", src);
        assert!(
            full.bindings.iter().position(|b| b.name == "tmp")
                < full.bindings.iter().position(|b| b.name.ends_with("BASE_URL"))
        );
        let parsed = ParsedFile::new(full.clone());
        let files = [&parsed];
        let index = ProjectIndex::new(&files);
        let project = index.open(0, &full);
        let (value, _) = project
            .scope(0, Some("get"))
            .lookup("ApiConfig.BASE_URL")
            .expect("resolved");
        assert_eq!(value, &Expr::Str("https://api.example.com/v1".into()));
    }
}
