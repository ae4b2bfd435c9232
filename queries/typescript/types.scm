; Classes, mixin classes and interfaces: their supertypes let `this.send(…)`
; in a subclass or mixin reach the wrapper its base class declares.
(class_declaration) @type
(abstract_class_declaration) @type
(class) @type
(interface_declaration) @type
; Typed fields, parameters and locals: `this.http.get(…)` with
; `private http: HttpClient` is a call on an `HttpClient`.
(public_field_definition name: (_) @typed.name type: (type_annotation (_) @typed.type)) @typed
(required_parameter pattern: (identifier) @typed.name type: (type_annotation (_) @typed.type)) @typed
(optional_parameter pattern: (identifier) @typed.name type: (type_annotation (_) @typed.type)) @typed
(variable_declarator name: (identifier) @typed.name type: (type_annotation (_) @typed.type)) @typed
; Parameter properties (`constructor(private http: HttpClient)`) are fields.
(required_parameter (accessibility_modifier) pattern: (identifier) @typed.name type: (type_annotation (_) @typed.type)) @field
; Interface members (`interface NewOrder { note: string }`): the fields a
; value of the type sends when it is encoded as a request body.
(property_signature name: (_) @typed.name type: (type_annotation (_) @typed.type)) @typed
