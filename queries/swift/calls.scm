; Every call and constructor call (Swift has no `new`); subscripts share the
; node kind and are dropped by the lowering. Sinks come from rules/sinks-swift.yaml.
(call_expression) @call
