; What a function returns: `fun api(): String { return "https://…" }` and
; `fun cdn() = "https://…"` resolve into the URLs built from their calls.
(return_expression (_) @return.value) @return
(function_body [(string_literal) (if_expression) (when_expression) (binary_expression)] @return.value) @return
