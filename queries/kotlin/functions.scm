(function_declaration) @function
(secondary_constructor) @function
(anonymous_function) @function
(lambda_literal) @function
