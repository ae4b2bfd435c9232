; Classes, interfaces, enums and records: their supertypes link calls on
; `this`, implicit receivers and interface-typed fields to the declaring class.
(class_declaration) @type
(interface_declaration) @type
(enum_declaration) @type
(record_declaration) @type
; Typed fields, locals and parameters: `private final OrdersApi api;`.
; `var` names no type. A field of a primitive type is still a member of
; what an encoded object sends (`@Body Note note` sends `latitude`).
(field_declaration
  type: [(type_identifier) (scoped_type_identifier) (generic_type)
         (integral_type) (floating_point_type) (boolean_type)] @typed.type
  declarator: (variable_declarator name: (identifier) @typed.name)) @typed
((local_variable_declaration
  type: [(type_identifier) (scoped_type_identifier) (generic_type)] @typed.type
  declarator: (variable_declarator name: (identifier) @typed.name)) @typed
  (#not-eq? @typed.type "var"))
(formal_parameter
  type: [(type_identifier) (scoped_type_identifier) (generic_type)] @typed.type
  name: (identifier) @typed.name) @typed
