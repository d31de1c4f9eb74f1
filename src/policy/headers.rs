//! Column headers of cookie tables and declaration files, in the languages policies use.

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Name,
    Category,
    Provider,
    Domain,
    Purpose,
    Lifetime,
    /// exact / prefix / pattern, as written by `to_csv`.
    Match,
}

/// Keywords by role, in the order they are tried: "Service provider's name" is a provider
/// column and "Cookie type" a category column even though they also say "name"/"cookie".
const KEYWORDS: &[(Role, &[&str])] = &[
    (
        Role::Match,
        &["match", "match kind", "match_kind", "matching"],
    ),
    (
        Role::Provider,
        &[
            "provider",
            "vendor",
            "supplier",
            "company",
            "owner",
            "publisher",
            "processor",
            "third party",
            "partner",
            "set by",
            "issuer",
            "service",
            "fournisseur",
            "émetteur",
            "emetteur",
            "éditeur",
            "editeur",
            "prestataire",
            "partenaire",
            "déposé par",
            "anbieter",
            "proveedor",
            "fornitore",
            "aanbieder",
            "leverancier",
        ],
    ),
    (
        Role::Category,
        &[
            "category",
            "categories",
            "type",
            "types",
            "classification",
            "catégorie",
            "catégories",
            "categorie",
            "kategorie",
            "categoría",
            "categoria",
            "typ",
            "tipo",
            "soort",
            "categorie",
        ],
    ),
    (
        Role::Domain,
        &[
            "domain", "domains", "domaine", "domaines", "host", "hosts", "hostname", "website",
            "websites", "site", "sites", "url", "domäne", "dominio", "domein",
        ],
    ),
    (
        Role::Lifetime,
        &[
            "lifetime",
            "lifespan",
            "duration",
            "retention",
            "expiry",
            "expiration",
            "expires",
            "expire",
            "max-age",
            "validity",
            "storage period",
            "period",
            "durée",
            "duree",
            "conservation",
            "validité",
            "laufzeit",
            "speicherdauer",
            "ablauf",
            "duración",
            "caducidad",
            "durata",
            "scadenza",
            "bewaartermijn",
            "looptijd",
        ],
    ),
    (
        Role::Purpose,
        &[
            "purpose",
            "purposes",
            "description",
            "descriptions",
            "explanation",
            "function",
            "functions",
            "use",
            "usage",
            "used for",
            "details",
            "finalité",
            "finalités",
            "finalite",
            "objet",
            "objectif",
            "utilité",
            "usage",
            "rôle",
            "role",
            "zweck",
            "beschreibung",
            "finalidad",
            "descripción",
            "finalità",
            "descrizione",
            "doel",
            "omschrijving",
        ],
    ),
    (
        Role::Name,
        &[
            "name",
            "names",
            "cookie",
            "cookies",
            "cookie name",
            "nom",
            "noms",
            "traceur",
            "traceurs",
            "identifier",
            "key",
            "nombre",
            "nome",
            "naam",
        ],
    ),
];

/// The role of a header that is exactly one of the known header words (`cookie_name`).
pub fn header_role_exact(header: &str) -> Option<Role> {
    let norm = normalise_header(header);
    KEYWORDS
        .iter()
        .find(|(_, words)| words.contains(&norm.as_str()))
        .map(|(r, _)| *r)
}

/// The role a header announces, or `None` for words we do not know.
pub fn header_role(header: &str) -> Option<Role> {
    let norm = normalise_header(header);
    if norm.is_empty() {
        return None;
    }
    // Whole-header match first, then the first role (in priority order) with a keyword
    // among the header's words or word pairs.
    for (role, words) in KEYWORDS {
        if words.contains(&norm.as_str()) {
            return Some(*role);
        }
    }
    let words: Vec<&str> = norm.split(' ').collect();
    let pairs: Vec<String> = words.windows(2).map(|w| w.join(" ")).collect();
    for (role, keys) in KEYWORDS {
        let hit = keys.iter().any(|k| {
            if k.contains(' ') {
                pairs.iter().any(|p| p == k)
            } else {
                words.contains(k)
            }
        });
        if hit {
            return Some(*role);
        }
    }
    None
}

/// Lower case, Latin look-alikes for Cyrillic/Greek letters (a PDF wrote "Туре" in
/// Cyrillic), no "(s)", possessives or punctuation.
pub fn normalise_header(header: &str) -> String {
    let folded: String = fold_confusables(header).to_lowercase().replace("(s)", "");
    let words: Vec<String> = folded
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-' || c == '_'))
        .map(|w| {
            let w = w.trim_matches(['\'', '’', '-', '_']);
            let w = w
                .strip_suffix("'s")
                .or_else(|| w.strip_suffix("’s"))
                .unwrap_or(w);
            w.replace('_', " ")
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

/// Maps Cyrillic and Greek letters that look like Latin ones onto the Latin letter.
pub fn fold_confusables(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'А' => 'A',
            'В' => 'B',
            'Е' => 'E',
            'К' => 'K',
            'М' => 'M',
            'Н' => 'H',
            'О' => 'O',
            'Р' => 'P',
            'С' => 'C',
            'Т' => 'T',
            'Х' => 'X',
            'У' => 'Y',
            'І' => 'I',
            'Ј' => 'J',
            'Ѕ' => 'S',
            'а' => 'a',
            'е' => 'e',
            'о' => 'o',
            'р' => 'p',
            'с' => 'c',
            'у' => 'y',
            'х' => 'x',
            'і' => 'i',
            'ј' => 'j',
            'ѕ' => 's',
            'Α' => 'A',
            'Β' => 'B',
            'Ε' => 'E',
            'Ζ' => 'Z',
            'Η' => 'H',
            'Ι' => 'I',
            'Κ' => 'K',
            'Μ' => 'M',
            'Ν' => 'N',
            'Ο' => 'O',
            'Ρ' => 'P',
            'Τ' => 'T',
            'Υ' => 'Y',
            'Χ' => 'X',
            'ο' => 'o',
            'ν' => 'v',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_headers_map_to_roles() {
        let cases = [
            ("Name", Role::Name),
            ("Cookie name(s)", Role::Name),
            ("Nom du cookie", Role::Name),
            ("Service provider's name", Role::Provider),
            ("Function and location", Role::Purpose),
            ("\u{422}\u{443}\u{440}\u{435}", Role::Category),
            ("Type de cookie", Role::Category),
            ("Website", Role::Domain),
            ("Domaine", Role::Domain),
            ("Durée de conservation", Role::Lifetime),
            ("Expiry", Role::Lifetime),
            ("Finalité", Role::Purpose),
            ("Catégorie", Role::Category),
            ("match_kind", Role::Match),
        ];
        for (h, want) in cases {
            assert_eq!(header_role(h), Some(want), "{h}");
        }
        assert_eq!(header_role("Remarks"), None);
    }
}
