(string_literal) @string
