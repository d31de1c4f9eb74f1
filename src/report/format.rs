//! Numbers and dates as people read them.

use time::OffsetDateTime;

/// `None` → "session"; seconds → "45 s", "30 min", "12 h", "7 days", "13 months", "2 years".
pub fn human_lifetime(secs: Option<i64>) -> String {
    let Some(s) = secs else {
        return "session".to_string();
    };
    const MIN: i64 = 60;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;
    match s {
        i64::MIN..=0 => "expired".to_string(),
        1..60 => format!("{s} s"),
        60..HOUR => format!("{} min", s / MIN),
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

pub fn human_duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// "2026-11-24 18:08 UTC": minutes are enough for a scan date, and UTC avoids guessing the
/// reader's zone.
pub fn human_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_read_naturally() {
        assert_eq!(human_lifetime(None), "session");
        assert_eq!(human_lifetime(Some(1800)), "30 min");
        assert_eq!(human_lifetime(Some(86_400)), "1 day");
        assert_eq!(human_lifetime(Some(395 * 86_400)), "13 months");
        assert_eq!(human_lifetime(Some(2 * 365 * 86_400)), "2 years");
        assert_eq!(human_lifetime(Some(0)), "expired");
    }
}
