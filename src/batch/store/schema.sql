-- The cookiescan batch store (schema version 1): the same SQL for SQLite and PostgreSQL.
-- Booleans are INTEGER 0/1 and times RFC 3339 text, so every query runs on both.
-- Statements are separated by semicolons at line ends only.
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scans (
    site TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    policy TEXT,
    config TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires BIGINT,
    host TEXT,
    started_at TEXT,
    finished_at TEXT,
    duration_ms BIGINT,
    pages BIGINT,
    pages_failed BIGINT,
    cookies BIGINT,
    necessary BIGINT,
    functional BIGINT,
    analytics BIGINT,
    marketing BIGINT,
    unclassified BIGINT,
    third_party BIGINT,
    errors BIGINT,
    warnings BIGINT,
    infos BIGINT,
    verdict TEXT,
    error TEXT,
    report_json TEXT
);
CREATE INDEX IF NOT EXISTS scans_status ON scans (status, attempts, seq);
CREATE TABLE IF NOT EXISTS pages (
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    depth BIGINT NOT NULL,
    status BIGINT,
    final_url TEXT,
    content_type TEXT,
    bytes BIGINT NOT NULL,
    cookies_set BIGINT NOT NULL,
    error TEXT,
    skipped TEXT,
    PRIMARY KEY (site, url)
);
CREATE TABLE IF NOT EXISTS cookies (
    site TEXT NOT NULL,
    name TEXT NOT NULL,
    domain TEXT NOT NULL,
    path TEXT NOT NULL,
    party TEXT NOT NULL,
    vendor TEXT NOT NULL,
    category TEXT NOT NULL,
    category_source TEXT NOT NULL,
    purpose TEXT NOT NULL,
    lifetime_days DOUBLE PRECISION,
    session BIGINT NOT NULL,
    secure BIGINT NOT NULL,
    httponly BIGINT NOT NULL,
    samesite TEXT NOT NULL,
    first_seen_url TEXT NOT NULL,
    pages_seen BIGINT NOT NULL,
    sources TEXT NOT NULL,
    declared TEXT NOT NULL,
    declared_category TEXT NOT NULL,
    findings TEXT NOT NULL,
    PRIMARY KEY (site, name, domain, path)
);
CREATE INDEX IF NOT EXISTS cookies_name ON cookies (name);
CREATE INDEX IF NOT EXISTS cookies_vendor ON cookies (vendor);
CREATE INDEX IF NOT EXISTS cookies_category ON cookies (category);
CREATE TABLE IF NOT EXISTS findings (
    site TEXT NOT NULL,
    seq BIGINT NOT NULL,
    severity TEXT NOT NULL,
    rule TEXT NOT NULL,
    cookie_name TEXT NOT NULL,
    cookie_domain TEXT NOT NULL,
    cookie_path TEXT NOT NULL,
    message TEXT NOT NULL,
    page TEXT NOT NULL,
    declaration_file TEXT NOT NULL,
    declaration_line BIGINT,
    evidence TEXT NOT NULL,
    PRIMARY KEY (site, seq)
);
CREATE INDEX IF NOT EXISTS findings_rule ON findings (rule, severity);
CREATE TABLE IF NOT EXISTS errors (
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    seq BIGINT NOT NULL,
    url TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (site, kind, seq)
);
