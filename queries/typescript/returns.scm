; What a function returns: `ordersPath() { return `${this.apiVersion}/orders`; }`
; and `function apiBase() { return "https://…"; }` resolve into the URLs built
; from their calls. The first return of each function counts. Only values
; that can be a URL or a function, and object literals (a request body built
; by a helper: `body: JSON.stringify(feedbackBody(form))`), are kept: calls
; are not read.
(return_statement
  [(string) (template_string) (binary_expression) (ternary_expression) (member_expression) (identifier)
   (object)]
  @return.value) @return
