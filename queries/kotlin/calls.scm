; Every call and constructor call; sinks are chosen from rules/sinks-kotlin.yaml.
(call_expression) @call
; Annotations with arguments (`@GET("v1/items")`, `@Query("api_key")`) are
; lowered as calls of the annotation name.
(annotation (constructor_invocation) @call)
