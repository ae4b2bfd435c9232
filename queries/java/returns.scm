; What a method returns: `static String api() { return BASE + "/v1"; }`
; resolves into the URLs built from its calls. The first return counts;
; only values that can be a URL are kept.
(return_statement
  [(string_literal) (ternary_expression) (binary_expression) (field_access) (identifier)]
  @return.value) @return
