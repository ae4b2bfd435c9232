(function_declaration) @function
(init_declaration) @function
(deinit_declaration) @function
(lambda_literal) @function
