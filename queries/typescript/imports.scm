(import_statement (import_clause (identifier) @import.name) source: (string) @import.source) @import
(import_statement (import_clause (named_imports (import_specifier name: (_) @import.name))) source: (string) @import.source) @import
(import_statement (import_clause (named_imports (import_specifier alias: (_) @import.name))) source: (string) @import.source) @import
(import_statement (import_clause (namespace_import (identifier) @import.name)) source: (string) @import.source) @import
(import_statement source: (string) @import.source) @import
; const x = require("mod") / const { a } = require("mod")
(variable_declarator
  name: (identifier) @import.name
  value: (call_expression
    function: (identifier) @_require
    arguments: (arguments . (string) @import.source))
  (#eq? @_require "require")) @import
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
