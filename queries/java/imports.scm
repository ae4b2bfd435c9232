; `import okhttp3.OkHttpClient;`, `import static com.acme.Config.BASE_URL;`:
; the source is the whole name, the local name its last segment.
(import_declaration
  (scoped_identifier name: (identifier) @import.name) @import.source) @import
; `import okhttp3.*;` (and the odd one-segment import) binds no single name:
; the import also matches the pattern above with the package's last
; segment, as a Kotlin star import does.
(import_declaration (identifier) @import.source) @import
