; JSX elements are calls of their component with the attributes as one
; object (`<WebView source={{ uri }} />`, `<Image source={{ uri: avatar }} />`).
(jsx_self_closing_element) @call
(jsx_opening_element) @call
