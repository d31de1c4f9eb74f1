//! A hint about a cookie value that can be reported without reporting the value.

/// Does `value` look like a random identifier (long, mixed characters, few repeats)?
/// Used by the classifier's heuristics; the value itself never leaves the crawler.
pub fn looks_random(value: &str) -> bool {
    let v = value.trim_matches('"');
    if v.len() < 16 {
        return false;
    }
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let letters = v.bytes().filter(u8::is_ascii_alphabetic).count();
    let mut seen = [false; 256];
    for b in v.bytes() {
        seen[b as usize] = true;
    }
    let distinct = seen.iter().filter(|s| **s).count();
    digits + letters >= v.len() * 3 / 4 && distinct >= 10 && (digits > 0 || letters > 0)
}

#[cfg(test)]
mod tests {
    use super::looks_random;

    #[test]
    fn ids_look_random_words_do_not() {
        assert!(looks_random("GA1.1.1234567890.1699999999"));
        assert!(looks_random("a8f5f167f44f4964e6c998dee827110c"));
        assert!(!looks_random("en"));
        assert!(!looks_random("true"));
        assert!(!looks_random("aaaaaaaaaaaaaaaaaaaaaaa"));
    }
}
