; Every method call and constructor call (`new X(…)`, lowered as a plain
; call of `X`); sinks are chosen from the JVM entries of the sink catalogs.
(method_invocation) @call
(object_creation_expression) @call
; `super(client, "https://…")`: what a subclass hands its base, such as the
; base URL of an SDK domain.
(explicit_constructor_invocation) @call
; Annotations with arguments (`@GET("v1/items")`, `@Query("api_key")`) are
; lowered as calls of the annotation name.
(annotation) @call
