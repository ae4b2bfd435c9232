; What a function returns: `fun api(): String { return "https://…" }` and
; `fun cdn() = "https://…"` resolve into the URLs built from their calls. The
; first return counts; only values that can be a URL are kept.
(return_expression
  [(string_literal) (if_expression) (when_expression) (binary_expression) (navigation_expression) (identifier)]
  @return.value) @return
(function_body [(string_literal) (if_expression) (when_expression) (binary_expression)] @return.value) @return
