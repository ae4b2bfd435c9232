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
