; `import Foundation`, `import Alamofire`, `import struct Network.NWConnection`.
(import_declaration (identifier) @import.source) @import
