; JSX elements that load a resource are calls of their component with the
; attributes as one object (`<WebView source={{ uri }} />`, `<Image source={{
; uri: avatar }} />`). Only elements with such an attribute are lowered: an
; app has thousands of layout elements that can reach nothing.
(jsx_self_closing_element
  attribute: (jsx_attribute (property_identifier) @_attr)
  (#any-of? @_attr "source" "src" "uri" "url")) @call
(jsx_opening_element
  attribute: (jsx_attribute (property_identifier) @_attr)
  (#any-of? @_attr "source" "src" "uri" "url")) @call
