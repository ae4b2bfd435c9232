; What a function returns: `static func api() -> String { production() ? "https://a/" : "https://b/" }`
; resolves into the URLs built from its calls. The first return counts; only
; values that can be a URL, and dictionaries (a request body built by a
; helper), are kept.
(control_transfer_statement
  result: [(line_string_literal) (multi_line_string_literal) (ternary_expression) (additive_expression)
           (navigation_expression) (simple_identifier) (dictionary_literal)] @return.value) @return
; A single-expression body returns its expression.
(function_body
  (statements . [(line_string_literal) (multi_line_string_literal) (ternary_expression) (additive_expression)] @return.value .)) @return
