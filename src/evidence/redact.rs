//! The command line as the manifest records it: secrets replaced by `REDACTED`, the rest kept
//! so the scan can be replayed. Cookie values (`--cookie NAME=VALUE`), header values
//! (`--header 'Authorization: Bearer …'`), URL user names and passwords, and query parameters
//! whose names look like credentials (`?token=`, `api_key=`, `sig=`…) are secrets.

use url::Url;

/// What replaces a secret.
pub const REDACTED: &str = "REDACTED";

/// Flags whose value is `NAME=VALUE` (the value is secret) or `Name: value` (the same).
const COOKIE_FLAGS: &[&str] = &["--cookie"];
const HEADER_FLAGS: &[&str] = &["--header"];

/// Parts of query parameter names that mark credentials (compared in lower case). Redacting a
/// harmless parameter costs nothing; leaking a token costs the account.
const SECRET_PARAMS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "key",
    "auth",
    "session",
    "sid",
    "sig",
    "credential",
    "code",
    "jwt",
    "ticket",
];

/// `args` (the program first) with every secret replaced; the program is kept by file name
/// only, since its folder names the user's home.
pub fn redact_command_line(args: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut value_of: Option<&str> = None;
    for (i, arg) in args.iter().enumerate() {
        if i == 0 {
            out.push(program_name(arg));
            continue;
        }
        if let Some(flag) = value_of.take() {
            out.push(redact_value(flag, arg));
            continue;
        }
        match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                out.push(format!("{flag}={}", redact_value(flag, value)));
            }
            _ if COOKIE_FLAGS.contains(&arg.as_str()) || HEADER_FLAGS.contains(&arg.as_str()) => {
                value_of = Some(arg.as_str());
                out.push(arg.clone());
            }
            _ => out.push(redact_url(arg).unwrap_or_else(|| arg.clone())),
        }
    }
    out
}

fn program_name(arg: &str) -> String {
    std::path::Path::new(arg)
        .file_name()
        .map_or_else(|| arg.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// The value given to `flag`, its secret part replaced.
fn redact_value(flag: &str, value: &str) -> String {
    if COOKIE_FLAGS.contains(&flag) {
        match value.split_once('=') {
            Some((name, _)) => format!("{name}={REDACTED}"),
            None => REDACTED.to_owned(),
        }
    } else if HEADER_FLAGS.contains(&flag) {
        match value.split_once(':') {
            Some((name, _)) => format!("{name}: {REDACTED}"),
            None => REDACTED.to_owned(),
        }
    } else {
        redact_url(value).unwrap_or_else(|| value.to_owned())
    }
}

/// The URL with its credentials replaced, or None when it is not a URL or holds none.
fn redact_url(text: &str) -> Option<String> {
    if !text.contains("://") {
        return None;
    }
    let mut url = Url::parse(text).ok()?;
    let mut changed = false;
    if url.password().is_some() {
        changed |= url.set_password(Some(REDACTED)).is_ok();
    } else if !url.username().is_empty() {
        // A user name alone is often a token (`https://TOKEN@host/`).
        changed |= url.set_username(REDACTED).is_ok();
    }
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    if pairs.iter().any(|(k, _)| secret_param(k)) {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            let v = if secret_param(k) { REDACTED } else { v };
            query.append_pair(k, v);
        }
        url.set_query(Some(&query.finish()));
        changed = true;
    }
    changed.then(|| url.to_string())
}

fn secret_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARAMS.iter().any(|s| name.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(args: &[&str]) -> Vec<String> {
        let owned: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        redact_command_line(&owned)
    }

    #[test]
    fn cookie_and_header_values_are_redacted_in_both_spellings() {
        assert_eq!(
            redact(&[
                "/home/me/bin/cookiescan",
                "scan",
                "--cookie",
                "sessionid=s3cr3t",
                "--cookie=csrftoken=abc=def",
                "--header",
                "Authorization: Bearer eyJhbGci",
                "--header=X-Api-Key:k",
                "--cookie",
                "novalue",
                "https://example.org/",
            ]),
            [
                "cookiescan",
                "scan",
                "--cookie",
                "sessionid=REDACTED",
                "--cookie=csrftoken=REDACTED",
                "--header",
                "Authorization: REDACTED",
                "--header=X-Api-Key: REDACTED",
                "--cookie",
                "REDACTED",
                "https://example.org/",
            ]
        );
    }

    #[test]
    fn url_credentials_and_token_parameters_are_redacted() {
        assert_eq!(
            redact(&[
                "cookiescan",
                "https://user:hunter2@example.org/?lang=fr&access_token=abc",
                "--policy=https://ghp_0123@example.org/policy?API_KEY=x",
                "--policy",
                "https://example.org/p?page=2",
            ]),
            [
                "cookiescan",
                "https://user:REDACTED@example.org/?lang=fr&access_token=REDACTED",
                "--policy=https://REDACTED@example.org/policy?API_KEY=REDACTED",
                "--policy",
                "https://example.org/p?page=2",
            ]
        );
    }

    #[test]
    fn plain_arguments_are_kept_as_given() {
        let args = [
            "cookiescan",
            "scan",
            "example.org",
            "--max-pages",
            "5",
            "-o",
            "r.json",
        ];
        assert_eq!(redact(&args)[1..], args[1..]);
    }
}
