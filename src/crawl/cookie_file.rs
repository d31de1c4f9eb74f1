//! Cookies supplied by the user for authenticated scans: Netscape `cookies.txt` (as curl
//! and browser extensions export it) or plain `NAME=VALUE` lines.

/// Reads `(name, value)` pairs. Errors name the line.
pub fn parse_cookie_file(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        // curl writes HttpOnly cookies as "#HttpOnly_domain ..."; other '#' lines are comments.
        let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() >= 7 {
            out.push((fields[5].to_string(), fields[6].to_string()));
        } else if let Some((n, v)) = line.split_once('=') {
            if n.trim().is_empty() {
                return Err(format!("line {}: a cookie needs a name before '='", i + 1));
            }
            out.push((n.trim().to_string(), v.trim().to_string()));
        } else {
            return Err(format!(
                "line {} is neither a cookies.txt line (7 tab-separated fields) nor NAME=VALUE",
                i + 1
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_netscape_and_plain_lines() {
        let text = "# Netscape HTTP Cookie File\n#HttpOnly_.a.test\tTRUE\t/\tFALSE\t0\tsessionid\tabc\nlang=fr\n\n";
        assert_eq!(
            parse_cookie_file(text).unwrap(),
            vec![
                ("sessionid".into(), "abc".into()),
                ("lang".into(), "fr".into())
            ]
        );
        assert!(parse_cookie_file("garbage").unwrap_err().contains("line 1"));
        assert!(parse_cookie_file("=x").is_err());
    }
}
