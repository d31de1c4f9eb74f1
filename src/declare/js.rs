//! JavaScript literals for the banner configurations (they hold regular expressions, which
//! JSON cannot).

use super::Item;

/// A string literal; `<` is escaped so the text can sit inside an inline `<script>`.
pub fn string(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".to_string())
        .replace('<', "\\u003c")
}

/// A cookie name as the banners match it: a family is a regular expression on its stem, a
/// name a string.
pub fn cookie_name(item: &Item) -> String {
    match item.name.strip_suffix('*').filter(|_| item.family) {
        Some(stem) => {
            let mut re = String::from("/^");
            for ch in stem.chars() {
                if "\\^$.|?*+()[]{}/".contains(ch) {
                    re.push('\\');
                }
                re.push(ch);
            }
            re.push('/');
            re
        }
        None => string(&item.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_cannot_close_a_script_or_break_out_of_a_regex() {
        assert_eq!(string("</script>\""), "\"\\u003c/script>\\\"\"");
        let mut item = crate::declare::build::test_item("_pk_id./x*");
        item.family = true;
        assert_eq!(cookie_name(&item), "/^_pk_id\\.\\/x/");
        item.family = false;
        assert_eq!(cookie_name(&item), "\"_pk_id./x*\"");
    }
}
