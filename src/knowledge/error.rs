//! Errors of the knowledge base: one sentence naming the file and what to do.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum KnowledgeError {
    #[error("cannot read cookie database {path}: {source}; check the path and its permissions")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("cookie database {file} is not UTF-8 text; save it as UTF-8 and try again")]
    NotUtf8 { file: String },

    /// Bad TOML syntax, an unknown key, a missing key or a value of the wrong type.
    #[error("{file}:{line}: {message}; fix this line and load the file again")]
    Toml {
        file: String,
        line: usize,
        message: String,
    },

    #[error("{file}: the first line is not the Open Cookie Database header ({expected}); export the CSV from the Open Cookie Database unchanged or convert it to our TOML format")]
    CsvHeader { file: String, expected: String },

    /// A built-in entry is invalid (the embedded data is checked strictly).
    #[error("{file}:{line}: {message}; fix the built-in entry")]
    InvalidBuiltin {
        file: String,
        line: usize,
        message: String,
    },

    #[error("{file}:{line}: {message}; fix the heuristic rule")]
    Heuristics {
        file: String,
        line: usize,
        message: String,
    },

    #[error("the cookie patterns could not be compiled together ({message}); remove or simplify the last regex entries you added")]
    RegexSet { message: String },

    /// The loading thread itself stopped (a bug: nothing a user gives should cause it).
    #[error("loading the knowledge base stopped ({message}); please report this as a bug")]
    Load { message: String },
}

impl KnowledgeError {
    /// Every knowledge error is about a file the user passed (or a built-in one a test guards).
    pub fn exit_code(&self) -> crate::exit_codes::ExitCode {
        crate::exit_codes::ExitCode::Usage
    }
}
