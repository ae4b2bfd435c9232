; let/var declarations, instance properties and `static let` constants.
(property_declaration
  name: (pattern bound_identifier: (simple_identifier) @binding.name)
  value: (_) @binding.value) @binding
; Single-expression computed properties: `static var baseURL: URL { URL(string: "…")! }`.
(property_declaration
  name: (pattern bound_identifier: (simple_identifier) @binding.name)
  computed_value: (computed_property (statements . (_) @binding.value .))) @binding
; `self.baseURL = …`, `request.httpMethod = "POST"`, `p.executableURL = …`.
(assignment
  target: (directly_assignable_expression) @binding.name
  operator: "="
  result: (_) @binding.value) @binding
; `guard let url = URL(string: …) else { … }`, `if let x = …`: the value node is
; also the binding node (its line is the binding's). The value is
; the next named sibling; listing its kinds keeps `if let x { … }` out.
(guard_statement
  bound_identifier: (_) @binding.name
  .
  [(call_expression) (navigation_expression) (try_expression) (await_expression)
   (as_expression) (simple_identifier) (postfix_expression) (nil_coalescing_expression)
   (line_string_literal) (additive_expression)] @binding.value @binding)
(if_statement
  bound_identifier: (_) @binding.name
  .
  [(call_expression) (navigation_expression) (try_expression) (await_expression)
   (as_expression) (simple_identifier) (postfix_expression) (nil_coalescing_expression)
   (line_string_literal) (additive_expression)] @binding.value @binding)
