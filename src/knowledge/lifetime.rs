//! Cookie lifetimes written by people ("13 months", "Session", "400 days") turned into seconds.
//!
//! This is the one place that does it. Calendar units are approximate on purpose:
//! a month is 30 days and a year is 365 days.

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
pub const WEEK: i64 = 7 * DAY;
/// 30 days.
pub const MONTH: i64 = 30 * DAY;
/// 365 days.
pub const YEAR: i64 = 365 * DAY;

/// A parsed lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Deleted when the browser closes.
    Session,
    /// Persistent for this many seconds.
    Secs(i64),
}

impl Lifetime {
    /// Seconds, `None` for a session cookie.
    pub fn secs(self) -> Option<i64> {
        match self {
            Lifetime::Session => None,
            Lifetime::Secs(s) => Some(s),
        }
    }
}

/// Strict form used by our TOML files: `session`, or `<n> <unit>` where unit is
/// second(s), minute(s), hour(s), day(s), week(s), month(s) or year(s). Case is ignored.
pub fn parse_lifetime(text: &str) -> Result<Lifetime, String> {
    let t = text.trim().to_ascii_lowercase();
    if t == "session" {
        return Ok(Lifetime::Session);
    }
    let mut parts = t.split_whitespace();
    let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad_lifetime(text));
    };
    let n: i64 = n.parse().map_err(|_| bad_lifetime(text))?;
    let per = match unit {
        "second" | "seconds" => 1,
        "minute" | "minutes" => MINUTE,
        "hour" | "hours" => HOUR,
        "day" | "days" => DAY,
        "week" | "weeks" => WEEK,
        "month" | "months" => MONTH,
        "year" | "years" => YEAR,
        _ => return Err(bad_lifetime(text)),
    };
    n.checked_mul(per)
        .map(Lifetime::Secs)
        .ok_or_else(|| bad_lifetime(text))
}

fn bad_lifetime(text: &str) -> String {
    format!(
        "lifetime '{text}' is not \"session\" or \"<number> <unit>\" with unit minutes, hours, days, weeks, months or years"
    )
}

/// Lenient form for free text such as the Open Cookie Database's retention column:
/// "2 years after last activity", "End of session (browser)", "30 mins", "3w", "session to 30 days".
/// Takes the first "<n> <unit>" in the text, or the last one for a range ("30 seconds till 1 year").
/// `None` when nothing usable is found ("forever", "unknown", "varies").
pub fn parse_lifetime_lenient(text: &str) -> Option<Lifetime> {
    let t = text.trim().to_lowercase();
    let found = durations(&t);
    let is_range = t.contains(" till ") || t.contains(" to ") || t.contains(" until ");
    let pick = if is_range {
        found.last()
    } else {
        found.first()
    };
    if t.starts_with("session") || t.starts_with("end of session") || t == "seesion" {
        // "session to 30 days": the upper bound is what matters when comparing lifetimes.
        return Some(match pick {
            Some(&s) if is_range => Lifetime::Secs(s),
            _ => Lifetime::Session,
        });
    }
    match pick {
        Some(&s) => Some(Lifetime::Secs(s)),
        None if t.contains("session") => Some(Lifetime::Session),
        None => None,
    }
}

/// Every "<n><unit>" or "<n> <unit>" in lower-cased text, in seconds.
fn durations(t: &str) -> Vec<i64> {
    let bytes = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let n: Option<i64> = t[start..i].parse().ok();
        let mut j = i;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let word_end = t[j..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(t.len(), |k| j + k);
        if let (Some(n), Some(per)) = (n, unit_secs(&t[j..word_end])) {
            if let Some(s) = n.checked_mul(per) {
                out.push(s);
            }
        }
        i = word_end.max(i);
    }
    out
}

fn unit_secs(word: &str) -> Option<i64> {
    Some(match word {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "min" | "mins" | "minute" | "minutes" => MINUTE,
        "h" | "hr" | "hrs" | "hour" | "hours" => HOUR,
        "d" | "day" | "days" => DAY,
        "w" | "wk" | "wks" | "week" | "weeks" => WEEK,
        "mo" | "month" | "months" => MONTH,
        "y" | "yr" | "yrs" | "year" | "years" => YEAR,
        _ => return None,
    })
}

/// `None` → "session"; seconds → "45 s", "30 min", "12 h", "7 days", "13 months", "2 years".
pub fn human_lifetime(secs: Option<i64>) -> String {
    let Some(s) = secs else {
        return "session".to_string();
    };
    match s {
        i64::MIN..=0 => "expired".to_string(),
        1..60 => format!("{s} s"),
        60..HOUR => format!("{} min", s / MINUTE),
        HOUR..DAY => format!("{} h", s / HOUR),
        _ if s < 60 * DAY => plural(s / DAY, "day"),
        _ if s < 730 * DAY => plural((s + 15 * DAY) / (30 * DAY), "month"),
        _ => plural(s / (365 * DAY), "year"),
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_read_as_people_say_them() {
        assert_eq!(human_lifetime(None), "session");
        assert_eq!(human_lifetime(Some(1800)), "30 min");
        assert_eq!(human_lifetime(Some(86_400)), "1 day");
        assert_eq!(human_lifetime(Some(395 * 86_400)), "13 months");
        assert_eq!(human_lifetime(Some(2 * 365 * 86_400)), "2 years");
        assert_eq!(human_lifetime(Some(0)), "expired");
    }

    #[test]
    fn strict_forms() {
        assert_eq!(parse_lifetime("session"), Ok(Lifetime::Session));
        assert_eq!(parse_lifetime("Session"), Ok(Lifetime::Session));
        assert_eq!(
            parse_lifetime("13 months"),
            Ok(Lifetime::Secs(13 * 30 * DAY))
        );
        assert_eq!(parse_lifetime("2 years"), Ok(Lifetime::Secs(730 * DAY)));
        assert_eq!(parse_lifetime("30 minutes"), Ok(Lifetime::Secs(1800)));
        assert_eq!(parse_lifetime("1 day"), Ok(Lifetime::Secs(86_400)));
        assert_eq!(parse_lifetime("1 week"), Ok(Lifetime::Secs(7 * DAY)));
        assert_eq!(parse_lifetime("24 hours"), Ok(Lifetime::Secs(DAY)));
        for bad in [
            "",
            "2",
            "two years",
            "2 fortnights",
            "2 years after last visit",
            "-",
        ] {
            assert!(parse_lifetime(bad).is_err(), "{bad}");
        }
        assert!(parse_lifetime("99999999999999999 years").is_err());
    }

    #[test]
    fn lenient_forms_from_the_open_cookie_database() {
        let cases = [
            ("Session", Some(Lifetime::Session)),
            ("End of session (browser)", Some(Lifetime::Session)),
            ("session cookie", Some(Lifetime::Session)),
            ("2 years", Some(Lifetime::Secs(2 * YEAR))),
            ("400 days", Some(Lifetime::Secs(400 * DAY))),
            ("30 minutes", Some(Lifetime::Secs(30 * MINUTE))),
            ("30 mins", Some(Lifetime::Secs(30 * MINUTE))),
            ("1 day", Some(Lifetime::Secs(DAY))),
            (
                "2 years after last activity",
                Some(Lifetime::Secs(2 * YEAR)),
            ),
            ("30 seconds till 1 year", Some(Lifetime::Secs(YEAR))),
            ("session to 30 days", Some(Lifetime::Secs(30 * DAY))),
            (
                "30 minutes, 3w or 1y depending on value",
                Some(Lifetime::Secs(30 * MINUTE)),
            ),
            (
                "1 year (in some countries, the period may be longer)",
                Some(Lifetime::Secs(YEAR)),
            ),
            ("forever", None),
            ("unknown", None),
            ("10 nov 2030", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_lifetime_lenient(text), want, "{text}");
        }
    }
}
