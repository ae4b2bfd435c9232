; val/var/const val declarations (top level, class, object, companion, local).
(property_declaration
  (variable_declaration (identifier) @binding.name)
  "="
  (_) @binding.value) @binding
; `this.baseUrl = …`, `field = …`, `serviceType = "_x._tcp"` in apply blocks.
(assignment left: (_) @binding.name "=" right: (_) @binding.value) @binding
; Constructor properties with defaults: `class Api(val base: String = "https://…")`.
(class_parameter (identifier) @binding.name "=" (_) @binding.value) @binding
; A property with a getter (`val baseUrl get() = if (DEBUG) "https://staging…" else "https://…"`).
(property_declaration
  (variable_declaration (identifier) @binding.name)
  (getter (function_body [(string_literal) (if_expression) (when_expression) (binary_expression)] @binding.value))) @binding
