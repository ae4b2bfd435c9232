; Default and namespace imports and `require` bindings name the module
; object itself (@import.object): `axios_1.default.get` is `axios.get`.
(import_statement (import_clause (identifier) @import.object) source: (string) @import.source) @import
(import_statement (import_clause (named_imports (import_specifier name: (_) @import.name))) source: (string) @import.source) @import
(import_statement (import_clause (named_imports (import_specifier name: (_) @import.exported alias: (_) @import.name))) source: (string) @import.source) @import
(import_statement (import_clause (namespace_import (identifier) @import.object)) source: (string) @import.source) @import
(import_statement source: (string) @import.source) @import
; const x = require("mod") / const { a } = require("mod")
(variable_declarator
  name: (identifier) @import.object
  value: (call_expression
    function: (identifier) @_require
    arguments: (arguments . (string) @import.source))
  (#eq? @_require "require")) @import
; A bare `require("mod")`; wrapped in an interop helper and bound to a name,
; `const axios_1 = __importDefault(require("axios"))` (tsc) or
; `var import_undici = __toESM(require("undici"))` (esbuild), the name is the
; module object (found by the extractor: see `extract::interop`).
(call_expression
  function: (identifier) @_require
  arguments: (arguments . (string) @import.source)
  (#eq? @_require "require")) @import
; Dynamic import("mod").
(call_expression
  function: (import)
  arguments: (arguments . (string) @import.source)) @import
(variable_declarator
  name: (object_pattern (shorthand_property_identifier_pattern) @import.name)
  value: (call_expression
    function: (identifier) @_require
    arguments: (arguments . (string) @import.source))
  (#eq? @_require "require")) @import
