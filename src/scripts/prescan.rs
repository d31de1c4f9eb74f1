//! How deep will the parser recurse? Estimated from tokens, without
//! recursing, so pathological nesting goes to the lexical scan instead of
//! overflowing the stack.

use super::lexical::{Lexer, Tok};

/// Stack the parser and the walk may need per open bracket (measured: about
/// 3 KiB per level for oxc's parser in a debug build, 4 KiB for nested
/// functions; doubled for the walk and for margin)...
const BRACKET_BYTES: u64 = 8 << 10;
/// ...and per operator or keyword that nests without brackets (`!!!x`,
/// `a?b:c?d:e`, `a=b=c`, `else if`, long `+` chains): 0.5–0.9 KiB measured.
const CHAIN_BYTES: u64 = 2 << 10;

fn chain_keyword(word: &str) -> bool {
    matches!(
        word,
        "typeof"
            | "void"
            | "delete"
            | "await"
            | "new"
            | "yield"
            | "if"
            | "else"
            | "for"
            | "while"
            | "do"
            | "with"
            | "in"
            | "instanceof"
    )
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Prescan {
    /// Upper estimate of the stack parsing and walking this script needs.
    pub stack_bytes: u64,
    pub max_depth: u32,
}

/// Estimates how deeply the parser will recurse, without recursing.
/// Brackets count fully; operators count until a `,` or `;` (or a new line
/// that starts a new statement) ends the expression they chain.
pub(crate) fn prescan(src: &str) -> Prescan {
    let mut lx = Lexer::new(src);
    let mut chains: Vec<u64> = vec![0];
    let (mut depth, mut chain_total, mut best) = (0u64, 0u64, Prescan::default());
    let mut pending_reset = false;
    let mut prev_ends_expr = false;
    while let Some(t) = lx.next() {
        let text = lx.text(&t);
        let top = chains.len() - 1;
        let new_statement = t.nl_before
            && prev_ends_expr
            && matches!(t.kind, Tok::Ident | Tok::Num | Tok::Str | Tok::Template)
            && !matches!(text, "in" | "instanceof");
        if (pending_reset && text != "else") || new_statement {
            chain_total -= chains[top];
            chains[top] = 0;
        }
        pending_reset = false;
        match (t.kind, text) {
            (Tok::Punct, "(" | "[" | "{") | (Tok::TemplateHead, _) => {
                depth += 1;
                chains.push(0);
            }
            (Tok::Punct, ")" | "]" | "}") | (Tok::TemplateTail, _) if chains.len() > 1 => {
                depth -= 1;
                chain_total -= chains.pop().unwrap_or(0);
            }
            (Tok::Punct, "," | ";") => pending_reset = true,
            (Tok::Punct, _) => {
                chains[top] += 1;
                chain_total += 1;
            }
            (Tok::Ident, k) if chain_keyword(k) => {
                chains[top] += 1;
                chain_total += 1;
            }
            _ => {}
        }
        prev_ends_expr = matches!(
            t.kind,
            Tok::Ident | Tok::Num | Tok::Str | Tok::Template | Tok::TemplateTail | Tok::Regex
        ) || matches!(text, ")" | "]" | "}");
        let need = depth * BRACKET_BYTES + chain_total * CHAIN_BYTES;
        if need > best.stack_bytes {
            best.stack_bytes = need;
        }
        best.max_depth = best.max_depth.max(depth as u32);
    }
    best
}
