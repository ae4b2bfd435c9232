; Classes, structs, enums, actors, extensions and protocols: their supertypes
; and extensions link implicit-self and protocol-typed calls to the wrapper.
(class_declaration) @type
(protocol_declaration) @type
; Typed properties, parameters and locals: `let client: APIClient`.
(property_declaration
  name: (pattern bound_identifier: (simple_identifier) @typed.name)
  (type_annotation [(user_type) (optional_type)] @typed.type)) @typed
(parameter name: (simple_identifier) @typed.name [(user_type) (optional_type)] @typed.type) @typed
