; Every call and constructor call; sinks are chosen from rules/sinks-kotlin.yaml.
(call_expression) @call
; Annotations with arguments (`@GET("v1/items")`, `@Query("api_key")`) are
; lowered as calls of the annotation name.
(annotation (constructor_invocation) @call)
; Superclass constructor calls (`class Api(c: Client) : Domain(c, "https://…")`):
; what a subclass hands its base, such as the base URL of an SDK domain.
(delegation_specifier (constructor_invocation) @call)
