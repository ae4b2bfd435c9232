//! `AndroidManifest.xml`: the application's cleartext switch, the network
//! security config it names and the target SDK (which decides the default
//! when neither is set).

use super::xml::{self, ANDROID_NS};

/// What a manifest declares about transport.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// `<application android:usesCleartextTraffic>` and its line.
    pub uses_cleartext: Option<(bool, usize)>,
    /// `<application android:networkSecurityConfig="@xml/name">`: the
    /// resource name and its line.
    pub network_security_config: Option<(String, usize)>,
    /// `<uses-sdk android:targetSdkVersion>` (usually set in Gradle instead).
    pub target_sdk: Option<u32>,
}

pub fn parse(text: &str) -> Result<Manifest, String> {
    let doc = xml::parse(text)?;
    let root = doc.root_element();
    if root.tag_name().name() != "manifest" {
        return Err(format!(
            "the root element is <{}>, not <manifest>",
            root.tag_name().name()
        ));
    }
    let mut manifest = Manifest {
        target_sdk: xml::children(root, "uses-sdk")
            .find_map(|n| n.attribute((ANDROID_NS, "targetSdkVersion")))
            .and_then(|v| v.trim().parse().ok()),
        ..Manifest::default()
    };
    if let Some(app) = xml::children(root, "application").next() {
        let line = |name| xml::attribute_line(&doc, app, Some(ANDROID_NS), name);
        manifest.uses_cleartext = app
            .attribute((ANDROID_NS, "usesCleartextTraffic"))
            .and_then(xml::boolean)
            .map(|b| (b, line("usesCleartextTraffic")));
        manifest.network_security_config = app
            .attribute((ANDROID_NS, "networkSecurityConfig"))
            .and_then(|v| v.trim().strip_prefix("@xml/"))
            .map(|name| (name.to_string(), line("networkSecurityConfig")));
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="x">"#;

    #[test]
    fn cleartext_config_and_sdk() {
        let text = format!(
            "{HEAD}\n  <uses-sdk android:targetSdkVersion=\"27\"/>\n  <application\n      android:usesCleartextTraffic=\"true\"\n      android:networkSecurityConfig=\"@xml/nsc\">\n  </application>\n</manifest>\n"
        );
        let m = parse(&text).expect("parses");
        assert_eq!(m.uses_cleartext, Some((true, 4)));
        assert_eq!(m.network_security_config, Some(("nsc".into(), 5)));
        assert_eq!(m.target_sdk, Some(27));
    }

    #[test]
    fn defaults_when_unset() {
        let m = parse(&format!("{HEAD}<application android:label=\"x\"/></manifest>")).expect("parses");
        assert_eq!(m, Manifest::default());
        let off = parse(&format!(
            "{HEAD}<application android:usesCleartextTraffic=\"false\"/></manifest>"
        ))
        .expect("parses");
        assert_eq!(off.uses_cleartext, Some((false, 1)));
    }

    #[test]
    fn malformed_manifests_are_errors() {
        assert!(parse("<manifest><application></manifest>").is_err());
        assert!(parse("<resources/>").unwrap_err().contains("<manifest>"));
        assert!(parse("<manifest><application a:b=\"c\"/></manifest>").is_err());
    }
}
