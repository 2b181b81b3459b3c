import Foundation

/// Standard base64 with padding, the form `wg genkey` and `meridian keygen` print.
public enum Base64 {
    public static func decode(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return [UInt8](data)
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
