//! An iOS/macOS `Info.plist` (XML or binary): App Transport Security
//! (`NSAppTransportSecurity`), the Bonjour service types the app may browse
//! or advertise (`NSBonjourServices`) and the local network usage reason.
//!
//! The plist crate gives values, not positions: a key's line is found by
//! searching the text of an XML plist for `<key>…</key>`; a binary plist
//! has no lines, so its settings are reported at line 1.

use std::io::Cursor;

use plist::{Dictionary, Value};

/// A boolean setting and the line of its key.
pub type Switch = Option<(bool, usize)>;

/// What an `Info.plist` declares about the network.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InfoPlist {
    pub arbitrary_loads: Switch,
    pub arbitrary_loads_in_web_content: Switch,
    pub arbitrary_loads_for_media: Switch,
    pub local_networking: Switch,
    pub exception_domains: Vec<ExceptionDomain>,
    pub pinned_domains: Vec<PinnedDomain>,
    /// Sorted, once each.
    pub bonjour_services: Vec<String>,
    pub local_network_usage: Option<String>,
}

/// An entry of `NSExceptionDomains`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionDomain {
    pub name: String,
    pub line: usize,
    pub include_subdomains: bool,
    /// `NSExceptionAllowsInsecureHTTPLoads` (or its third-party variant).
    pub insecure_http: Switch,
}

/// An entry of `NSPinnedDomains`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedDomain {
    pub name: String,
    pub line: usize,
    pub include_subdomains: bool,
}

pub fn parse(bytes: &[u8]) -> Result<InfoPlist, String> {
    check_depth(bytes)?;
    let value = Value::from_reader(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let root = value
        .as_dictionary()
        .ok_or("the top-level value is not a dictionary")?;
    let lines = KeyLines::new(bytes);
    let mut info = InfoPlist {
        bonjour_services: root
            .get("NSBonjourServices")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_string)
                    .map(|s| s.trim().to_string())
                    .collect()
            })
            .unwrap_or_default(),
        local_network_usage: root
            .get("NSLocalNetworkUsageDescription")
            .and_then(Value::as_string)
            .map(str::to_string),
        ..InfoPlist::default()
    };
    info.bonjour_services.sort();
    info.bonjour_services.dedup();
    let Some(ats) = root.get("NSAppTransportSecurity").and_then(Value::as_dictionary) else {
        return Ok(info);
    };
    let ats_line = lines.line_of("NSAppTransportSecurity", 1);
    let switch = |dict: &Dictionary, key: &str, after: usize| -> Switch {
        dict.get(key)
            .and_then(Value::as_boolean)
            .map(|b| (b, lines.line_of(key, after)))
    };
    info.arbitrary_loads = switch(ats, "NSAllowsArbitraryLoads", ats_line);
    info.arbitrary_loads_in_web_content = switch(ats, "NSAllowsArbitraryLoadsInWebContent", ats_line);
    info.arbitrary_loads_for_media = switch(ats, "NSAllowsArbitraryLoadsForMedia", ats_line);
    info.local_networking = switch(ats, "NSAllowsLocalNetworking", ats_line);
    let domains = |key: &str| -> Vec<(String, usize, &Dictionary)> {
        let Some(dict) = ats.get(key).and_then(Value::as_dictionary) else {
            return Vec::new();
        };
        let at = lines.line_of(key, ats_line);
        dict.iter()
            .filter_map(|(name, v)| {
                Some((
                    name.trim().to_ascii_lowercase(),
                    lines.line_of(name, at),
                    v.as_dictionary()?,
                ))
            })
            .collect()
    };
    let subdomains = |d: &Dictionary| d.get("NSIncludesSubdomains").and_then(Value::as_boolean) == Some(true);
    info.exception_domains = domains("NSExceptionDomains")
        .into_iter()
        .map(|(name, line, d)| ExceptionDomain {
            include_subdomains: subdomains(d),
            insecure_http: switch(d, "NSExceptionAllowsInsecureHTTPLoads", line)
                .or_else(|| switch(d, "NSThirdPartyExceptionAllowsInsecureHTTPLoads", line)),
            name,
            line,
        })
        .collect();
    info.pinned_domains = domains("NSPinnedDomains")
        .into_iter()
        .map(|(name, line, d)| PinnedDomain {
            include_subdomains: subdomains(d),
            name,
            line,
        })
        .collect();
    Ok(info)
}

/// Deepest nesting of arrays and dictionaries read. Real `Info.plist`
/// files nest a handful of levels; the plist crate builds values
/// recursively, so a crafted file nested 100,000 levels deep would
/// overflow the stack.
const MAX_DEPTH: usize = 64;

/// Refuses a plist nested deeper than [`MAX_DEPTH`], before it is parsed.
fn check_depth(bytes: &[u8]) -> Result<(), String> {
    let depth = if bytes.starts_with(b"bplist") {
        binary_depth(bytes)?
    } else {
        xml_depth(bytes)
    };
    if depth > MAX_DEPTH {
        return Err(format!(
            "arrays and dictionaries nested deeper than {MAX_DEPTH} levels"
        ));
    }
    Ok(())
}

/// The deepest `<array>`/`<dict>` nesting of an XML plist (comments and
/// CDATA skipped). A stray closing tag can only lower the count where the
/// XML reader then stops at the mismatch, before going deeper.
fn xml_depth(bytes: &[u8]) -> usize {
    let find = |from: usize, pat: &[u8]| {
        bytes
            .get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w == pat))
            .map_or(bytes.len(), |at| from + at + pat.len())
    };
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    while let Some(at) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        let at = i + at;
        let rest = &bytes[at..];
        if rest.starts_with(b"<!--") {
            i = find(at, b"-->");
            continue;
        }
        if rest.starts_with(b"<![CDATA[") {
            i = find(at, b"]]>");
            continue;
        }
        let end = find(at, b">");
        let tag = &bytes[at + 1..end.saturating_sub(1).max(at + 1)];
        let (closing, name) = match tag.strip_prefix(b"/") {
            Some(name) => (true, name),
            None => (false, tag),
        };
        let name_end = name
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(name.len());
        if matches!(&name[..name_end], b"array" | b"dict") && !tag.ends_with(b"/") {
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                max = max.max(depth);
            }
        }
        i = end;
    }
    max
}

/// The deepest nesting of arrays, sets and dictionaries of a binary plist,
/// read from its object table without recursion; past [`MAX_DEPTH`] (a
/// reference cycle gets there too) the walk stops.
fn binary_depth(bytes: &[u8]) -> Result<usize, String> {
    let bad = || "not a well-formed binary property list".to_string();
    let be = |b: &[u8]| b.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
    if bytes.len() < 40 {
        return Err(bad());
    }
    let trailer = &bytes[bytes.len() - 32..];
    let (offset_size, ref_size) = (usize::from(trailer[6]), usize::from(trailer[7]));
    let (count, top, table) = (be(&trailer[8..16]), be(&trailer[16..24]), be(&trailer[24..32]));
    if !(1..=8).contains(&offset_size) || !(1..=8).contains(&ref_size) || count > bytes.len() as u64 {
        return Err(bad());
    }
    let offset_of = |object: u64| -> Option<usize> {
        let at = usize::try_from(table.checked_add(object.checked_mul(offset_size as u64)?)?).ok()?;
        usize::try_from(be(bytes.get(at..at.checked_add(offset_size)?)?)).ok()
    };
    // The objects an array, set or dictionary refers to; none for others.
    let children = |object: u64| -> Option<Vec<u64>> {
        let at = offset_of(object)?;
        let marker = *bytes.get(at)?;
        let kind = marker >> 4;
        if !matches!(kind, 0xA | 0xC | 0xD) {
            return Some(Vec::new());
        }
        let (n, start) = match marker & 0x0F {
            0x0F => {
                let int = *bytes.get(at + 1)?;
                let len = 1usize.checked_shl(u32::from(int & 0x0F))?;
                (be(bytes.get(at + 2..at + 2 + len)?), at + 2 + len)
            }
            n => (u64::from(n), at + 1),
        };
        let refs = if kind == 0xD { n.checked_mul(2)? } else { n };
        let end = start.checked_add(usize::try_from(refs).ok()?.checked_mul(ref_size)?)?;
        Some(bytes.get(start..end)?.chunks(ref_size).map(be).collect())
    };
    let mut stack = vec![(top, 1usize)];
    let (mut max, mut steps) = (0usize, 0usize);
    while let Some((object, depth)) = stack.pop() {
        steps += 1;
        // Shared objects are visited once per reference: bound the work.
        if steps > 1_000_000 || object >= count {
            return Err(bad());
        }
        let refs = children(object).ok_or_else(bad)?;
        if refs.is_empty() {
            continue;
        }
        max = max.max(depth);
        if depth > MAX_DEPTH {
            break;
        }
        stack.extend(refs.into_iter().map(|r| (r, depth + 1)));
    }
    Ok(max)
}

/// The lines of an XML plist's text; empty for a binary plist.
struct KeyLines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> KeyLines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let text = if bytes.starts_with(b"bplist") {
            ""
        } else {
            std::str::from_utf8(bytes).unwrap_or("")
        };
        KeyLines {
            lines: text.lines().collect(),
        }
    }

    /// The 1-based line of the first `<key>key</key>` at or after line
    /// `after`; `after` when there is none (a binary plist: 1).
    fn line_of(&self, key: &str, after: usize) -> usize {
        let tag = format!("<key>{key}</key>");
        self.lines
            .iter()
            .enumerate()
            .skip(after.saturating_sub(1))
            .find(|(_, l)| l.contains(&tag))
            .map_or(after, |(i, _)| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>NSAppTransportSecurity</key>
	<dict>
		<key>NSAllowsArbitraryLoads</key>
		<true/>
		<key>NSAllowsLocalNetworking</key>
		<false/>
		<key>NSExceptionDomains</key>
		<dict>
			<key>Legacy.example.com</key>
			<dict>
				<key>NSIncludesSubdomains</key>
				<true/>
				<key>NSExceptionAllowsInsecureHTTPLoads</key>
				<true/>
			</dict>
		</dict>
		<key>NSPinnedDomains</key>
		<dict>
			<key>api.example.com</key>
			<dict>
				<key>NSPinnedLeafIdentities</key>
				<array/>
			</dict>
		</dict>
	</dict>
	<key>NSBonjourServices</key>
	<array>
		<string>_printer._tcp</string>
		<string>_airplay._tcp</string>
	</array>
	<key>NSLocalNetworkUsageDescription</key>
	<string>Finds speakers on your network.</string>
</dict>
</plist>
"#;

    #[test]
    fn ats_keys_with_their_lines() {
        let info = parse(PLIST.as_bytes()).expect("parses");
        assert_eq!(info.arbitrary_loads, Some((true, 7)));
        assert_eq!(info.local_networking, Some((false, 9)));
        assert_eq!(info.arbitrary_loads_in_web_content, None);
        assert_eq!(
            info.exception_domains,
            vec![ExceptionDomain {
                name: "legacy.example.com".into(),
                line: 13,
                include_subdomains: true,
                insecure_http: Some((true, 17)),
            }]
        );
        assert_eq!(info.pinned_domains[0].name, "api.example.com");
        assert_eq!(info.pinned_domains[0].line, 23);
        assert!(!info.pinned_domains[0].include_subdomains);
        assert_eq!(info.bonjour_services, ["_airplay._tcp", "_printer._tcp"]);
        assert_eq!(
            info.local_network_usage.as_deref(),
            Some("Finds speakers on your network.")
        );
    }

    #[test]
    fn binary_plists_are_read_at_line_one() {
        let value = Value::from_reader(Cursor::new(PLIST.as_bytes())).expect("parses");
        let mut binary = Vec::new();
        value.to_writer_binary(&mut binary).expect("writes");
        assert!(binary.starts_with(b"bplist"));
        let info = parse(&binary).expect("parses");
        assert_eq!(info.arbitrary_loads, Some((true, 1)));
        assert_eq!(info.exception_domains[0].insecure_http, Some((true, 1)));
        assert_eq!(info.bonjour_services.len(), 2);
    }

    #[test]
    fn a_plist_without_ats_declares_nothing() {
        let info =
            parse(b"<plist version=\"1.0\"><dict><key>CFBundleName</key><string>X</string></dict></plist>")
                .expect("parses");
        assert_eq!(info, InfoPlist::default());
    }

    fn nested(depth: usize) -> Value {
        (0..depth).fold(Value::Boolean(true), |v, _| Value::Array(vec![v]))
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let n = 100_000;
        let xml = format!(
            "<plist version=\"1.0\"><dict><key>a</key>{}{}</dict></plist>",
            "<array>".repeat(n),
            "</array>".repeat(n)
        );
        assert!(parse(xml.as_bytes()).unwrap_err().contains("nested deeper"));
        // Comments cannot hide the nesting, and real files pass.
        let commented = format!(
            "<plist><dict><key>a</key>{}<!-- </array> -->{}</dict></plist>",
            "<array>".repeat(70),
            "</array>".repeat(70)
        );
        assert!(parse(commented.as_bytes()).unwrap_err().contains("nested deeper"));
        assert_eq!(xml_depth(PLIST.as_bytes()), 4);
        let mut binary = Vec::new();
        nested(200).to_writer_binary(&mut binary).expect("writes");
        assert!(parse(&binary).unwrap_err().contains("nested deeper"));
        let mut shallow = Vec::new();
        let mut root = Dictionary::new();
        root.insert("a".into(), nested(10));
        Value::Dictionary(root)
            .to_writer_binary(&mut shallow)
            .expect("writes");
        assert_eq!(binary_depth(&shallow), Ok(11));
        assert!(parse(&shallow).is_ok());
    }

    #[test]
    fn malformed_plists_are_errors() {
        assert!(parse(b"<plist><dict><key>x</key></plist>").is_err());
        assert!(parse(b"bplist00garbage").is_err());
        assert!(parse(b"<plist version=\"1.0\"><array/></plist>").is_err());
        assert!(parse(b"").is_err());
    }
}
