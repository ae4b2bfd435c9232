(method_declaration) @function
(constructor_declaration) @function
(compact_constructor_declaration) @function
(lambda_expression) @function
