; `import okhttp3.OkHttpClient`, `import io.ktor.client.*`, `import a.B as C`.
(import
  (qualified_identifier (identifier) @import.name .) @import.source) @import
(import
  (qualified_identifier) @import.source
  (identifier) @import.name) @import
