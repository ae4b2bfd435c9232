//! The project's types: which class extends, implements, adopts or composes
//! which, and the declared types of fields.
//!
//! Production apps reach the network through their own client layer, and
//! the call that does it rarely names the class that sends: `this.send(…)`
//! in a subclass or a mixin, `call(url)` with implicit `self` in a Swift
//! extension, `service.register(…)` on a field typed with a Retrofit
//! interface, `client.get(…)` on a property typed with a protocol whose
//! conforming class is the wrapper. This index answers, across files, "may
//! a call on this receiver run a method declared in that class?".
//!
//! Types are known by their simple name (`Inner` of `Outer.Inner`): the
//! supertypes a declaration writes are simple names too. Each language
//! family has its own index ([`TypeIndexes`]): an Android and an iOS app of
//! one repository both declare a `User`, and a Kotlin request body is never
//! the Swift struct. Built once per analysis from the files' summaries,
//! linear in their size.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::VecDeque;

use crate::model::{FileFacts, Lang};

/// How many types a walk up or down the hierarchy visits at most: real
/// hierarchies are a few levels deep; a cycle or a huge generated tree
/// must not make linking quadratic.
const MAX_VISITED: usize = 256;

#[derive(Debug, Default)]
pub struct TypeIndex {
    supers: HashMap<String, Vec<String>>,
    subs: HashMap<String, Vec<String>>,
    /// (type, field) → the field's declared or constructed type.
    fields: HashMap<(String, String), String>,
    /// type → its typed fields in declaration order: what an encoded value
    /// of the type sends (`@Body order: NewOrder`).
    members: HashMap<String, Vec<String>>,
    declared: HashSet<String>,
    /// Declared other than by an extension: the project's own types.
    defined: HashSet<String>,
}

/// One [`TypeIndex`] per family of languages that name each other's
/// types: TypeScript, Swift, and the JVM's Kotlin and Java.
#[derive(Debug, Default)]
pub struct TypeIndexes([TypeIndex; 3]);

impl TypeIndexes {
    pub fn new<'f>(files: impl Iterator<Item = &'f FileFacts> + Clone) -> TypeIndexes {
        TypeIndexes(
            [0, 1, 2].map(|family| TypeIndex::new(files.clone().filter(|f| f.lang.family() == family))),
        )
    }

    /// The types code in `lang` can name.
    pub fn of(&self, lang: Lang) -> &TypeIndex {
        &self.0[usize::from(lang.family())]
    }
}

/// `Inner` of `Outer.Inner`.
pub fn simple(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

impl TypeIndex {
    pub fn new<'f>(files: impl Iterator<Item = &'f FileFacts>) -> TypeIndex {
        let mut index = TypeIndex::default();
        for facts in files {
            for decl in &facts.types {
                let name = simple(&decl.name).to_string();
                index.declared.insert(name.clone());
                if !decl.extension {
                    index.defined.insert(name.clone());
                }
                for sup in &decl.supertypes {
                    if *sup == name {
                        continue;
                    }
                    push_unique(index.supers.entry(name.clone()).or_default(), sup);
                    push_unique(index.subs.entry(sup.clone()).or_default(), &name);
                }
            }
            for typed in facts.typed.iter().filter(|t| t.function.is_none()) {
                let Some(class) = &typed.class else { continue };
                let class = simple(class).to_string();
                push_unique(index.members.entry(class.clone()).or_default(), &typed.name);
                index
                    .fields
                    .entry((class, typed.name.clone()))
                    .or_insert_with(|| typed.type_name.clone());
            }
        }
        index
    }

    /// `class` and everything it extends, implements or composes, nearest
    /// first.
    pub fn ancestors(&self, class: &str) -> Vec<String> {
        walk(&self.supers, simple(class))
    }

    /// `class` and everything that extends, implements or composes it.
    pub fn descendants(&self, class: &str) -> Vec<String> {
        walk(&self.subs, simple(class))
    }

    /// May a call on a value of type `ty` run a method that `class`
    /// declares? Yes when `class` is `ty`, one of its ancestors (an
    /// inherited method), or one of its descendants (an interface-typed
    /// field holding the implementation, a base-typed one holding the
    /// subclass).
    pub fn related(&self, ty: &str, class: &str) -> bool {
        let class = simple(class);
        self.ancestors(ty).iter().any(|t| t == class) || self.descendants(ty).iter().any(|t| t == class)
    }

    /// May `this`/`self` in a method of `caller` be an instance of `class`?
    /// Yes when `class` is `caller` or an ancestor, or when both are part
    /// of one type: a mixin calling a method of the base it is mixed with,
    /// a protocol extension calling a method of the conforming class, a
    /// base class calling the method its subclass provides.
    pub fn same_object(&self, caller: &str, class: &str) -> bool {
        let class = simple(class);
        if self.ancestors(caller).iter().any(|t| t == class) {
            return true;
        }
        let below: HashSet<String> = self.descendants(class).into_iter().collect();
        self.descendants(caller).iter().any(|t| below.contains(t))
    }

    /// The type of `field` of `class`, also when an ancestor declares it.
    pub fn field_type(&self, class: &str, field: &str) -> Option<&str> {
        self.ancestors(class)
            .into_iter()
            .find_map(|c| self.fields.get(&(c, field.to_string())).map(String::as_str))
    }

    /// The typed fields of the project's type `class` and of its ancestors,
    /// nearest first: the keys an encoder writes for a value of the type.
    /// Empty for a type the project does not define.
    pub fn members(&self, class: &str) -> Vec<&str> {
        if !self.defines(class) {
            return Vec::new();
        }
        let mut out: Vec<&str> = Vec::new();
        for c in self.ancestors(class) {
            for field in self.members.get(&c).into_iter().flatten() {
                if !out.contains(&field.as_str()) {
                    out.push(field);
                }
            }
        }
        out
    }

    /// Does the project define a type named `name` (not only extend it)?
    pub fn defines(&self, name: &str) -> bool {
        self.defined.contains(simple(name))
    }

    /// Does the project declare or extend a type named `name`?
    pub fn declares(&self, name: &str) -> bool {
        self.declared.contains(simple(name))
    }
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_string());
    }
}

/// Breadth-first from `start` along `edges`, `start` first.
fn walk(edges: &HashMap<String, Vec<String>>, start: &str) -> Vec<String> {
    let mut seen: Vec<String> = vec![start.to_string()];
    let mut queue: VecDeque<String> = VecDeque::from([start.to_string()]);
    while let Some(t) = queue.pop_front() {
        for next in edges.get(&t).into_iter().flatten() {
            if seen.len() >= MAX_VISITED {
                return seen;
            }
            if !seen.contains(next) {
                seen.push(next.clone());
                queue.push_back(next.clone());
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Lang, TypeDecl, TypedName};

    fn decl(name: &str, supers: &[&str]) -> TypeDecl {
        TypeDecl {
            name: name.into(),
            supertypes: supers.iter().map(|s| s.to_string()).collect(),
            extension: false,
            span: Default::default(),
        }
    }

    fn index() -> TypeIndex {
        let mut a = FileFacts::empty("a.ts", Lang::Typescript);
        a.types = vec![
            decl("ApiBase", &["Instrumented"]),
            decl("OrderEndpoints", &["Base"]),
            decl("InvoiceEndpoints", &["Base"]),
            decl(
                "Api",
                &["compose", "ApiBase", "OrderEndpoints", "InvoiceEndpoints"],
            ),
            decl("Loop", &["Loop"]),
            decl("Other", &[]),
        ];
        a.typed = vec![TypedName {
            name: "http".into(),
            type_name: "HttpClient".into(),
            class: Some("Instrumented".into()),
            function: None,
        }];
        let mut b = FileFacts::empty("b.kt", Lang::Kotlin);
        b.types = vec![
            decl("OrdersApiImpl", &["OrdersApi"]),
            decl("Outer.Repo", &["BaseRepo"]),
        ];
        TypeIndex::new([&a, &b].into_iter())
    }

    #[test]
    fn hierarchy_links_inherited_implemented_and_composed_types() {
        let types = index();
        assert!(types.same_object("Api", "ApiBase"));
        assert!(types.same_object("ApiBase", "Instrumented"));
        // A mixin's `this` is the composed class, which also has the base's methods.
        assert!(types.same_object("OrderEndpoints", "ApiBase"));
        assert!(types.same_object("OrderEndpoints", "InvoiceEndpoints"));
        // A base class calling a method its subclasses provide.
        assert!(types.same_object("Instrumented", "ApiBase"));
        assert!(!types.same_object("Other", "ApiBase"));
        // An interface-typed value may hold the implementation.
        assert!(types.related("OrdersApi", "OrdersApiImpl"));
        assert!(types.related("Outer.Repo", "BaseRepo"));
        assert!(!types.related("OrdersApi", "ApiBase"));
        assert_eq!(types.field_type("Api", "http"), Some("HttpClient"));
        assert_eq!(types.field_type("Other", "http"), None);
        assert!(types.declares("OrdersApiImpl") && types.declares("Outer.Repo") && !types.declares("Map"));
        assert_eq!(types.ancestors("Loop"), ["Loop"]);
    }

    #[test]
    fn members_are_the_typed_fields_of_a_defined_type_and_its_ancestors() {
        let field = |name: &str, class: &str| TypedName {
            name: name.into(),
            type_name: "String".into(),
            class: Some(class.into()),
            function: None,
        };
        let mut a = FileFacts::empty("Models.kt", Lang::Kotlin);
        a.types = vec![decl("Contact", &[]), decl("NewOrder", &["Contact"])];
        a.typed = vec![
            field("note", "NewOrder"),
            field("phone", "Contact"),
            field("note", "Contact"),
        ];
        // Fields of a type only extended here are not the project's.
        a.typed.push(field("count", "String"));
        let index = TypeIndex::new([&a].into_iter());
        assert_eq!(index.members("NewOrder"), vec!["note", "phone"]);
        assert!(index.members("String").is_empty());
        assert!(index.members("Missing").is_empty());
    }

    #[test]
    fn each_language_family_names_its_own_types() {
        let field = |name: &str| TypedName {
            name: name.into(),
            type_name: "String".into(),
            class: Some("User".into()),
            function: None,
        };
        let mut kotlin = FileFacts::empty("android/User.kt", Lang::Kotlin);
        kotlin.types = vec![decl("User", &["Parcelable"])];
        kotlin.typed = vec![field("email")];
        let mut swift = FileFacts::empty("ios/User.swift", Lang::Swift);
        swift.types = vec![decl("User", &["Codable"])];
        swift.typed = vec![field("carplayConfiguration")];
        let types = TypeIndexes::new([&kotlin, &swift].into_iter());
        assert_eq!(types.of(Lang::Kotlin).members("User"), ["email"]);
        assert_eq!(types.of(Lang::Java).members("User"), ["email"]);
        assert_eq!(types.of(Lang::Swift).members("User"), ["carplayConfiguration"]);
        assert!(types.of(Lang::Typescript).members("User").is_empty());
        assert_eq!(types.of(Lang::Swift).ancestors("User"), ["User", "Codable"]);
    }
}
