(string_literal) @string
(multiline_string_literal) @string
