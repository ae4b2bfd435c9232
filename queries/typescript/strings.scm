(string) @string
(template_string) @string
