; What a function returns: `ordersPath() { return `${this.apiVersion}/orders`; }`
; and `function apiBase() { return "https://…"; }` resolve into the URLs built
; from their calls. The first return of each function counts.
(return_statement (_) @return.value) @return
