; What a function returns: `ordersPath() { return `${this.apiVersion}/orders`; }`
; and `function apiBase() { return "https://…"; }` resolve into the URLs built
; from their calls. The first return of each function counts. Only values
; that can be a URL or a function are kept: calls and objects are not read.
(return_statement
  [(string) (template_string) (binary_expression) (ternary_expression) (member_expression) (identifier)]
  @return.value) @return
