; Every call and constructor call; sinks are chosen from rules/sinks.yaml.
(call_expression) @call
(new_expression) @call
