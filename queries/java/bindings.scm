; Fields, interface constants and locals with an initial value:
; `static final String BASE_URL = "https://…"`, `String url = base + path`.
; A `null` value says nothing about what a name holds when it is used (a
; field cleared in one branch and set in another): it is not a binding.
((field_declaration
  declarator: (variable_declarator
    name: (identifier) @binding.name
    value: (_) @binding.value)) @binding
  (#not-eq? @binding.value "null"))
((constant_declaration
  declarator: (variable_declarator
    name: (identifier) @binding.name
    value: (_) @binding.value)) @binding
  (#not-eq? @binding.value "null"))
((local_variable_declaration
  declarator: (variable_declarator
    name: (identifier) @binding.name
    value: (_) @binding.value)) @binding
  (#not-eq? @binding.value "null"))
; `this.baseUrl = baseUrl`, `url = BASE + path`.
((assignment_expression
  left: (_) @binding.name
  operator: "="
  right: (_) @binding.value) @binding
  (#not-eq? @binding.value "null"))
