//! Undoing the stray spaces PDF extraction puts inside names and host names
//! (`django_langua ge`, `wordpress_gd pr_co okies_allowed`, `en.outscale.c om`).

use crate::policy::oracle::NameOracle;

/// Longest run of fragments joined into one name; real splits cut a name in 2–4 pieces.
const MAX_GROUP: usize = 5;
/// Beyond this many tokens a cell is prose, not a list of split names.
const MAX_TOKENS: usize = 48;

/// A name made of one or more written tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    pub name: String,
    /// The tokens as written, space-separated; differs from `name` when joined.
    pub written: String,
    pub known: bool,
}

/// Splits a run of tokens into names, joining neighbours only when the join is a name the
/// oracle knows. Among the ways to cut the run it prefers the most known names, then the
/// fewest unknown leftovers, then the fewest joins, so `_pk_ses _pk_id` stays two names and
/// `wordpress_gd pr_co okies_allowed wordpress_gd …` becomes whole names rather than one
/// long prefix match.
pub fn join_names(tokens: &[&str], oracle: &dyn NameOracle) -> Vec<Joined> {
    let n = tokens.len();
    if n == 0 {
        return Vec::new();
    }
    if n > MAX_TOKENS {
        return tokens.iter().map(|t| single(t, oracle)).collect();
    }
    // best[i]: score and first-group length for the tokens from i on.
    let mut best: Vec<((i64, i64, i64), usize)> = vec![((0, 0, 0), 0); n + 1];
    let known_alone: Vec<bool> = tokens.iter().map(|t| oracle.is_known(t)).collect();
    let complete_alone: Vec<bool> = tokens.iter().map(|t| oracle.is_complete(t)).collect();
    for i in (0..n).rev() {
        let mut pick: Option<((i64, i64, i64), usize)> = None;
        for len in 1..=MAX_GROUP.min(n - i) {
            let gain = if len == 1 {
                if known_alone[i] {
                    (1, 0, 0)
                } else {
                    (0, -1, 0)
                }
            } else {
                // A complete known name is not glued to what follows (that could only be
                // "known" through an open prefix), unless it visibly ends mid-name.
                let open_end = tokens[i].ends_with(['_', '-', '.']);
                if complete_alone[i] && !open_end {
                    break;
                }
                let joined = tokens[i..i + len].concat();
                // A piece only an open prefix family covers (`wordpress_gd` under `wordpress_`)
                // is glued on only when that makes a whole known name, never just a longer
                // member of the same family (`_pk_id.1` + `foo`).
                let ok = if known_alone[i] && !open_end {
                    oracle.is_complete(&joined)
                } else {
                    oracle.is_known(&joined)
                };
                if !ok {
                    continue;
                }
                (1, 0, -(len as i64 - 1))
            };
            let rest = best[i + len].0;
            let score = (gain.0 + rest.0, gain.1 + rest.1, gain.2 + rest.2);
            if pick.is_none_or(|(s, _)| score > s) {
                pick = Some((score, len));
            }
        }
        best[i] = pick.unwrap_or(((0, -1, 0), 1));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let len = best[i].1.max(1);
        if len == 1 {
            out.push(Joined {
                name: tokens[i].to_string(),
                written: tokens[i].to_string(),
                known: known_alone[i],
            });
        } else {
            out.push(Joined {
                name: tokens[i..i + len].concat(),
                written: tokens[i..i + len].join(" "),
                known: true,
            });
        }
        i += len;
    }
    out
}

fn single(t: &str, oracle: &dyn NameOracle) -> Joined {
    Joined {
        name: t.to_string(),
        written: t.to_string(),
        known: oracle.is_known(t),
    }
}

/// Host names in a domain cell, with the splits repaired: a piece ending in `-` or `.`, or
/// one whose last label is not a public suffix (`en.outscale.c`), is joined to the next
/// piece when the join is a valid host. Words that are not hosts are dropped.
/// Returns (hosts, repairs as (written, repaired)).
pub fn join_hosts(cell: &str) -> (Vec<String>, Vec<(String, String)>) {
    if !cell.contains('.') {
        return (Vec::new(), Vec::new());
    }
    let tokens: Vec<String> = cell
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '|'))
        .map(host_part)
        .filter(|t| !t.is_empty())
        .collect();
    let mut hosts = Vec::new();
    let mut repairs = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut acc = tokens[i].clone();
        let mut written = acc.clone();
        let mut j = i + 1;
        while j < tokens.len() && j - i < MAX_GROUP {
            let cut = acc.ends_with(['-', '.']) || tokens[j].starts_with(['-', '.']);
            let joined = format!("{acc}{}", tokens[j]);
            let helps = !is_host(&acc) || !is_host(&tokens[j]);
            if (cut && (is_host(&joined) || is_host_start(&joined))) || (helps && is_host(&joined))
            {
                written = format!("{written} {}", tokens[j]);
                acc = joined;
                j += 1;
            } else {
                break;
            }
        }
        if is_host(&acc) {
            let acc = acc.trim_end_matches('.').to_string();
            if j > i + 1 {
                repairs.push((written, acc.clone()));
            }
            if !hosts.contains(&acc) {
                hosts.push(acc);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    (hosts, repairs)
}

/// Host names mentioned in running text ("set on doubleclick.net"), not inside URLs, and
/// without the split repair tables need.
pub fn hosts_in_prose(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in text
        .split_whitespace()
        .filter(|t| t.contains('.') && !t.contains("://") && !t.contains('@'))
    {
        let h = host_part(t);
        let h = h.trim_end_matches('.');
        if is_host(h) && !out.iter().any(|o| o == h) {
            out.push(h.to_string());
        }
    }
    out
}

/// Lower-cased host from a URL or host token, without markup or trailing punctuation.
fn host_part(token: &str) -> String {
    let t = token.trim_matches(|c: char| {
        matches!(
            c,
            '(' | ')' | '[' | ']' | '"' | '\'' | '<' | '>' | '*' | '`'
        )
    });
    let t = t.split_once("://").map_or(t, |(_, rest)| rest);
    let t = t.split(['/', '?', '#']).next().unwrap_or("");
    let t = t.trim_end_matches([',', ';', ':']);
    // A dot at the very end is sentence punctuation unless the host continues in the next
    // token; keep it so the caller can tell.
    t.to_lowercase()
}

/// A syntactically valid host name under a known public suffix; a leading dot (cookie
/// domain attribute) is allowed.
pub fn is_host(s: &str) -> bool {
    let h = s.strip_prefix('.').unwrap_or(s);
    let h = h.strip_suffix('.').unwrap_or(h);
    if h.len() > 253 || !h.contains('.') || !labels_ok(h) {
        return false;
    }
    psl::suffix(h.as_bytes()).is_some_and(|sfx| sfx.is_known())
}

/// A host cut after a hyphen or dot may still be incomplete after one join
/// (`cockpit-` `euwest-` `2.outscale.com`).
fn is_host_start(s: &str) -> bool {
    s.ends_with(['-', '.']) && labels_ok(s.trim_end_matches(['-', '.']))
}

fn labels_ok(h: &str) -> bool {
    !h.is_empty()
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::oracle::ListOracle;

    fn oracle() -> ListOracle {
        ListOracle::new(
            [
                "django_language",
                "csrftoken",
                "sessionid",
                "_zlcmid",
                "_ga",
            ],
            ["wordpress_gdpr_", "_pk_id.", "_pk_ses."],
        )
    }

    fn names(s: &str) -> Vec<String> {
        let toks: Vec<&str> = s.split_whitespace().collect();
        join_names(&toks, &oracle())
            .into_iter()
            .map(|j| j.name)
            .collect()
    }

    #[test]
    fn joins_only_into_known_names() {
        assert_eq!(names("django_langua ge"), ["django_language"]);
        assert_eq!(names("_pk _ses"), ["_pk_ses"]);
        assert_eq!(names("_pk_ses _pk_id"), ["_pk_ses", "_pk_id"]);
        assert_eq!(
            names("wordpress_gd pr_co okies_allowed wordpress_gd pr_allo wed_services"),
            [
                "wordpress_gdpr_cookies_allowed",
                "wordpress_gdpr_allowed_services"
            ]
        );
        assert_eq!(names("_pk_id.1 foo"), ["_pk_id.1", "foo"]);
        assert_eq!(names("my_cook ie"), ["my_cook", "ie"]);
    }

    #[test]
    fn hosts_are_rejoined() {
        let (h, r) = join_hosts(
            "<u>cockpit-euwest-</u> 2.outscale.com"
                .replace("<u>", "")
                .replace("</u>", "")
                .as_str(),
        );
        assert_eq!(h, ["cockpit-euwest-2.outscale.com"]);
        assert_eq!(r.len(), 1);
        assert_eq!(
            join_hosts("fr.outscale.com en.outscale.c om").0,
            ["fr.outscale.com", "en.outscale.com"]
        );
        assert_eq!(
            join_hosts("https://www.example.fr/cookies Outscale").0,
            ["www.example.fr"]
        );
        assert_eq!(join_hosts("fr.outs cale.com").0, ["fr.outscale.com"]);
        assert_eq!(join_hosts("front and back office").0, Vec::<String>::new());
    }
}
