; const/let/var declarations.
(variable_declarator name: (identifier) @binding.name value: (_) @binding.value) @binding
; Class fields: `static BASE = "https://…"`, `private baseUrl = …`.
(public_field_definition name: (_) @binding.name value: (_) @binding.value) @binding
; `this.baseUrl = …` in constructors and `obj.url = …` assignments.
(assignment_expression left: (member_expression) @binding.name right: (_) @binding.value) @binding
; A getter returning one expression (`get current() { return this.sdk; }`) is
; read as the field `this.current` bound to that expression.
(method_definition
  "get"
  name: (property_identifier) @binding.name
  body: (statement_block . (return_statement (_) @binding.value) .)) @binding
