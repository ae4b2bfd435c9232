; Fields, interface constants and locals with an initial value:
; `static final String BASE_URL = "https://…"`, `String url = base + path`.
(field_declaration
  declarator: (variable_declarator
    name: (identifier) @binding.name
    value: (_) @binding.value)) @binding
(constant_declaration
  declarator: (variable_declarator
    name: (identifier) @binding.name
    value: (_) @binding.value)) @binding
(local_variable_declaration
  declarator: (variable_declarator
    name: (identifier) @binding.name
    value: (_) @binding.value)) @binding
; `this.baseUrl = baseUrl`, `url = BASE + path`.
(assignment_expression
  left: (_) @binding.name
  operator: "="
  right: (_) @binding.value) @binding
