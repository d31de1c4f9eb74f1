//! The cookie-date algorithm of RFC 6265 §5.1.1 (unchanged in RFC 6265bis).
//!
//! Written here because the `cookie` crate reads only four fixed formats and silently turns
//! every other Expires into a session cookie (see FACTS.md); browsers read far more.

use time::{Date, Month, OffsetDateTime, Time};

/// Parses an Expires value the way browsers do. `None` when the algorithm fails (browsers then
/// ignore the Expires attribute).
pub fn parse_cookie_date(s: &str) -> Option<OffsetDateTime> {
    let mut time: Option<(u8, u8, u8)> = None;
    let mut day: Option<u8> = None;
    let mut month: Option<Month> = None;
    let mut year: Option<u16> = None;

    // Each token is offered to the productions in this fixed order, and a production that has
    // already matched is skipped: this is what makes "15 17 Apr" read as day 15, year 17.
    for token in s.as_bytes().split(|&b| is_delimiter(b)) {
        if token.is_empty() {
            continue;
        }
        if time.is_none() {
            if let Some(t) = hms_time(token) {
                time = Some(t);
                continue;
            }
        }
        if day.is_none() {
            if let Some(d) = leading_number(token, 1, 2) {
                day = u8::try_from(d).ok();
                continue;
            }
        }
        if month.is_none() {
            if let Some(m) = month_name(token) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() {
            if let Some(y) = leading_number(token, 2, 4) {
                year = u16::try_from(y).ok();
                continue;
            }
        }
    }

    let (hour, minute, second) = time?;
    let day = day?;
    let month = month?;
    let mut year = year?;
    // Two-digit years: the RFC's window, 70-99 -> 19xx and 00-69 -> 20xx.
    if (70..=99).contains(&year) {
        year += 1900;
    } else if year <= 69 {
        year += 2000;
    }
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Rejects dates that do not exist (31 April, 29 February of a common year).
    let date = Date::from_calendar_date(i32::from(year), month, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(date.with_time(time).assume_utc())
}

/// delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// The leading run of digits, when its length is within `min..=max`. Taking the whole run makes
/// the RFC's "( non-digit *OCTET )" tail automatic: what follows is a non-digit or nothing.
fn leading_number(token: &[u8], min: usize, max: usize) -> Option<u32> {
    let (value, len, _) = digits(token);
    (min..=max).contains(&len).then_some(value)
}

/// Reads the leading digits (at most 9 are kept, enough for every production here).
fn digits(bytes: &[u8]) -> (u32, usize, &[u8]) {
    let len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let value = bytes
        .iter()
        .take(len.min(9))
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    (value, len, bytes.get(len..).unwrap_or_default())
}

/// hms-time = time-field ":" time-field ":" time-field, each 1*2DIGIT, then a non-digit or end.
fn hms_time(token: &[u8]) -> Option<(u8, u8, u8)> {
    let mut fields = [0u8; 3];
    let mut rest = token;
    for (i, field) in fields.iter_mut().enumerate() {
        let (value, len, after) = digits(rest);
        if !(1..=2).contains(&len) {
            return None;
        }
        *field = u8::try_from(value).ok()?;
        rest = after;
        if i < 2 {
            rest = rest.strip_prefix(b":")?;
        }
    }
    Some((fields[0], fields[1], fields[2]))
}

/// month = ( "jan" / "feb" / ... ) *OCTET, case-insensitive.
fn month_name(token: &[u8]) -> Option<Month> {
    let prefix = token.get(..3)?;
    const MONTHS: [(&[u8; 3], Month); 12] = [
        (b"jan", Month::January),
        (b"feb", Month::February),
        (b"mar", Month::March),
        (b"apr", Month::April),
        (b"may", Month::May),
        (b"jun", Month::June),
        (b"jul", Month::July),
        (b"aug", Month::August),
        (b"sep", Month::September),
        (b"oct", Month::October),
        (b"nov", Month::November),
        (b"dec", Month::December),
    ];
    MONTHS
        .iter()
        .find(|(name, _)| prefix.eq_ignore_ascii_case(&name[..]))
        .map(|&(_, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn common_formats() {
        let want = datetime!(2007-12-10 17:02:24 UTC);
        for s in [
            "Mon, 10 Dec 2007 17:02:24 GMT",
            "Mon, 10-Dec-2007 17:02:24 GMT",
            "Monday, 10-Dec-07 17:02:24 GMT",
            "Mon Dec 10 17:02:24 2007",
            "10 dec 2007 17:02:24",
        ] {
            assert_eq!(parse_cookie_date(s), Some(want), "{s}");
        }
    }

    #[test]
    fn two_digit_year_window() {
        assert_eq!(
            parse_cookie_date("1 Jan 70 00:00:00").map(|d| d.year()),
            Some(1970)
        );
        assert_eq!(
            parse_cookie_date("1 Jan 69 00:00:00").map(|d| d.year()),
            Some(2069)
        );
    }

    #[test]
    fn rejects_impossible_or_incomplete_dates() {
        for s in [
            "",
            "IAintNoDateFool",
            "31 Apr 2020 00:00:00",
            "29 Feb 2021 00:00:00",
            "1 Jan 1600 00:00:00",
            "32 Jan 2020 00:00:00",
            "1 Jan 2020 24:00:00",
            "1 Jan 2020 00:60:00",
            "1 Jan 2020 00:00:60",
            "1 Jan 2020",
            "1 Jan 2020 00:00:001",
            "Thu, 12-Aug-31841 20:49:07 GMT",
        ] {
            assert_eq!(parse_cookie_date(s), None, "{s}");
        }
        assert!(parse_cookie_date("29 Feb 2024 00:00:00").is_some());
    }

    #[test]
    fn non_ascii_and_controls_do_not_panic() {
        assert_eq!(parse_cookie_date("Ü, 1 Jän 2020 00:00:00"), None);
        assert!(parse_cookie_date("\u{0}1 Jan 2020 00:00:00").is_none());
        assert!(parse_cookie_date("9999999999999999999 Jan 2020 1:2:3").is_none());
    }
}
