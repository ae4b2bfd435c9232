(function_declaration) @function
(generator_function_declaration) @function
(method_definition) @function
(arrow_function) @function
(function_expression) @function
