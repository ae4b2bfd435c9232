//! Calls through a module object, as compiled CommonJS writes them.
//!
//! tsc and esbuild turn `import axios from "axios"; axios.get(u)` into
//! `const axios_1 = __importDefault(require("axios")); axios_1.default.get(u)`
//! (or `(0, import_axios.default)(u)`), and hand-written CommonJS binds any
//! name (`const ax = require("axios")`). The sink catalog names calls by the
//! package (`axios.get`, `undici.request`), so a callee reached through a
//! module object is rewritten to that form: the local name becomes the
//! package's name and the interop `.default` segment goes. Only the
//! precomputed `CallSite::callee` changes; the lowered expression keeps the
//! source's own names.

use rustc_hash::FxHashMap as HashMap;

use tree_sitter::Node;

use crate::model::{CallSite, Lang};
use crate::pipeline::lang;

/// The name a `require(…)` call is bound to through an interop helper:
/// `const axios_1 = __importDefault(require("axios"))`. Found by walking up
/// from the (rare) `require` call rather than by a query pattern, which would
/// be tried on every variable declaration of every file.
pub fn wrapped_require_binding(require: Node, src: &[u8]) -> Option<String> {
    if require.kind() != "call_expression" {
        return None;
    }
    let arguments = lang::parent(require).filter(|n| n.kind() == "arguments")?;
    let helper = lang::parent(arguments).filter(|n| n.kind() == "call_expression")?;
    let helper_name = helper
        .child_by_field_name("function")
        .filter(|n| n.kind() == "identifier")?;
    // `__importDefault`, `__importStar`, `__toESM`, `_interopRequireDefault`.
    let helper_name = lang::text(helper_name, src);
    if !(helper_name.starts_with("__") || helper_name.to_ascii_lowercase().contains("interop")) {
        return None;
    }
    let declarator = lang::parent(helper).filter(|n| n.kind() == "variable_declarator")?;
    let name = declarator
        .child_by_field_name("name")
        .filter(|n| n.kind() == "identifier")?;
    Some(lang::text(name, src).to_string())
}

/// Local names bound to a package's module object → the package's name.
#[derive(Debug, Default)]
pub struct ModuleObjects {
    by_local: HashMap<String, String>,
}

impl ModuleObjects {
    /// Records `local` as the module object of `source` (an import
    /// specifier). Relative and unusual specifiers are ignored: only
    /// packages appear in the sink catalog.
    pub fn insert(&mut self, local: &str, source: &str) {
        if let Some(package) = package_name(source) {
            if local != package {
                self.by_local.insert(local.to_string(), package.to_string());
            }
        }
    }

    /// Rewrites each callee reached through a recorded module object.
    pub fn canonicalise(&self, calls: &mut [CallSite]) {
        if self.by_local.is_empty() {
            return;
        }
        for site in calls {
            if let Some(callee) = self.canonical(&site.callee) {
                site.callee = callee;
            }
        }
    }

    fn canonical(&self, callee: &str) -> Option<String> {
        let (local, rest) = callee.split_once('.')?;
        let package = self.by_local.get(local)?;
        Some(match rest.strip_prefix("default") {
            Some("") => default_export_name(package).to_string(),
            Some(tail) if tail.starts_with('.') => format!("{package}{tail}"),
            _ => format!("{package}.{rest}"),
        })
    }
}

/// The name a package's default export is conventionally imported under
/// (`import fetch from "node-fetch"`): `default_exports` of the built-in
/// sink catalog (rules/sinks-typescript.yaml), else the package's name.
fn default_export_name(package: &str) -> &str {
    crate::catalog::rules::builtin_sinks()
        .default_export_name(Lang::Typescript, package)
        .unwrap_or(package)
}

/// `axios` → `axios`, `node:https` → `https`, `undici/lib/x` → `undici`,
/// `@scope/pkg` → `@scope/pkg`; `None` for relative or absolute paths.
fn package_name(source: &str) -> Option<&str> {
    let source = source.strip_prefix("node:").unwrap_or(source);
    if source.is_empty() || source.starts_with(['.', '/']) {
        return None;
    }
    if source.starts_with('@') {
        let mut parts = source.splitn(3, '/');
        let scope_len = parts.next()?.len();
        let name_len = parts.next()?.len();
        return Some(&source[..scope_len + 1 + name_len]);
    }
    source.split('/').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(pairs: &[(&str, &str)]) -> ModuleObjects {
        let mut m = ModuleObjects::default();
        for (local, source) in pairs {
            m.insert(local, source);
        }
        m
    }

    #[test]
    fn compiled_commonjs_callees_take_the_package_name() {
        let m = objects(&[
            ("axios_1", "axios"),
            ("import_undici", "undici"),
            ("https_1", "node:https"),
            ("node_fetch_1", "node-fetch"),
            ("ax", "axios"),
        ]);
        assert_eq!(m.canonical("axios_1.default.get").as_deref(), Some("axios.get"));
        assert_eq!(m.canonical("axios_1.default").as_deref(), Some("axios"));
        assert_eq!(
            m.canonical("axios_1.default.create").as_deref(),
            Some("axios.create")
        );
        assert_eq!(
            m.canonical("import_undici.request").as_deref(),
            Some("undici.request")
        );
        assert_eq!(m.canonical("https_1.request").as_deref(), Some("https.request"));
        assert_eq!(m.canonical("node_fetch_1.default").as_deref(), Some("fetch"));
        assert_eq!(m.canonical("ax.get").as_deref(), Some("axios.get"));
        // `defaults` is a property, not the interop segment.
        assert_eq!(
            m.canonical("ax.defaults.get").as_deref(),
            Some("axios.defaults.get")
        );
    }

    #[test]
    fn other_callees_are_left_alone() {
        let m = objects(&[("axios", "axios"), ("api", "./api"), ("cfg", "/abs/config")]);
        assert_eq!(m.canonical("axios.get"), None);
        assert_eq!(m.canonical("api.get"), None);
        assert_eq!(m.canonical("cfg.load"), None);
        assert_eq!(m.canonical("fetch"), None);
    }

    #[test]
    fn package_names() {
        assert_eq!(package_name("@slack/web-api/dist/x"), Some("@slack/web-api"));
        assert_eq!(package_name("lodash/fp"), Some("lodash"));
        assert_eq!(package_name("node:net"), Some("net"));
        assert_eq!(package_name("../x"), None);
        assert_eq!(package_name("@broken"), None);
    }
}
