; Classes, interfaces and objects: their supertypes link calls on `this`,
; implicit receivers and interface-typed fields to the declaring class.
(class_declaration) @type
(object_declaration) @type
; Typed properties, parameters and locals: `private val api: OrdersApi`.
(property_declaration (variable_declaration (identifier) @typed.name [(user_type) (nullable_type)] @typed.type)) @typed
(parameter (identifier) @typed.name [(user_type) (nullable_type)] @typed.type) @typed
; Constructor parameters (`class Repo(private val api: OrdersApi)`) are fields.
(class_parameter (identifier) @typed.name [(user_type) (nullable_type)] @typed.type) @field
