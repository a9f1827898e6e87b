//! `keyport catalog list|show|add|remove`.

use super::output::{json, print, stderr_lines, table};
use super::Failure;
use crate::catalog::{Catalog, CustomStore};
use clap::Subcommand;
use keyport_model::{Category, ConnectionType, Connector, KeyAuth, KeyLocation};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List the connectors
    List {
        /// Only this category (an id such as `crm`, or a name such as "Data & Analytics")
        #[arg(long, value_parser = parse_category)]
        category: Option<Category>,
        /// Machine-readable output
        #[arg(long)]
        json: bool,
    },
    /// Show one connector in full
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a custom connector from a TOML file (the format of catalog/README.md)
    Add { file: PathBuf },
    /// Remove a custom connector
    Remove { id: String },
}

fn parse_category(text: &str) -> Result<Category, String> {
    Category::parse(text).ok_or_else(|| {
        let ids: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
        format!("unknown category; use one of {}", ids.join(", "))
    })
}

/// One line of `catalog list --json`: stable field names.
#[derive(Serialize)]
struct Summary<'a> {
    id: &'a str,
    name: &'a str,
    category: Category,
    connection_types: &'a [ConnectionType],
    description: &'a str,
    api_docs_url: &'a str,
    custom: bool,
}

pub fn run(cmd: CatalogCommand, data_dir: &Path) -> Result<(), Failure> {
    let catalog = Catalog::load(data_dir);
    // A broken custom file must not hide the rest: warn and go on.
    for problem in catalog.problems() {
        stderr_lines("warning: ", &problem.to_string());
    }
    match cmd {
        CatalogCommand::List {
            category,
            json: as_json,
        } => {
            let connectors: Vec<&Connector> = catalog.list(category).collect();
            if as_json {
                let rows: Vec<Summary> = connectors.iter().map(|c| summary(c)).collect();
                json(&rows)
            } else {
                let rows: Vec<Vec<String>> = connectors
                    .iter()
                    .map(|c| {
                        vec![
                            c.id.clone(),
                            c.name.clone(),
                            c.category.label().to_owned(),
                            types(&c.connection_types),
                        ]
                    })
                    .collect();
                print(&table(&["ID", "NAME", "CATEGORY", "TYPES"], &rows))
            }
        }
        CatalogCommand::Show { id, json: as_json } => {
            let connector = catalog.get(&id)?;
            if as_json {
                json(connector)
            } else {
                print(&describe(connector))
            }
        }
        CatalogCommand::Add { file } => {
            let connector = CustomStore::new(data_dir).add(&catalog, &file)?;
            print(&format!(
                "Added custom connector {} ({}) to {}\n",
                connector.name,
                connector.id,
                CustomStore::new(data_dir).dir().display()
            ))
        }
        CatalogCommand::Remove { id } => {
            super::vault::block_on(CustomStore::new(data_dir).remove(&catalog, &id))?;
            print(&format!("Removed custom connector {id}\n"))
        }
    }
}

fn summary(c: &Connector) -> Summary<'_> {
    Summary {
        id: &c.id,
        name: &c.name,
        category: c.category,
        connection_types: &c.connection_types,
        description: &c.description,
        api_docs_url: &c.api_docs_url,
        custom: c.custom,
    }
}

fn types(types: &[ConnectionType]) -> String {
    types.iter().map(|t| t.id()).collect::<Vec<_>>().join(", ")
}

/// The human view of one connector.
fn describe(c: &Connector) -> String {
    let mut out = String::new();
    let custom = if c.custom { " · custom" } else { "" };
    let _ = writeln!(
        out,
        "{} ({}) · {}{custom}",
        c.name,
        c.id,
        c.category.label()
    );
    let _ = writeln!(out, "{}\n", c.description);
    let mut rows = vec![
        ("Connection types", types(&c.connection_types)),
        ("API docs", c.api_docs_url.clone()),
    ];
    if let Some(base) = &c.api_base_url {
        rows.push(("API base URL", base.clone()));
    }
    section(&mut out, None, &rows);
    let _ = writeln!(out, "Setup");
    for (i, step) in c.setup_instructions.iter().enumerate() {
        let _ = writeln!(out, "  {}. {step}", i + 1);
    }
    for (title, fields) in [
        ("Fields", Some(&c.fields)),
        (
            "Service-account fields",
            c.service_account.as_ref().map(|s| &s.fields),
        ),
    ] {
        let Some(fields) = fields.filter(|f| !f.is_empty()) else {
            continue;
        };
        let _ = writeln!(out, "\n{title}");
        for f in fields {
            let mut line = format!("  {{{}}}  {}", f.key, f.label);
            if let Some(example) = &f.example {
                let _ = write!(line, " (e.g. {example})");
            }
            if f.secret {
                line.push_str(" [secret]");
            }
            if !f.required {
                line.push_str(" [optional]");
            }
            let _ = writeln!(out, "{line}");
        }
    }
    if let Some(o) = &c.oauth2 {
        let mut rows = vec![
            ("Authorization URL", o.authorization_url.clone()),
            ("Token URL", o.token_url.clone()),
        ];
        if let Some(r) = &o.revocation_url {
            rows.push(("Revocation URL", r.clone()));
        }
        let scopes = if o.scopes_from_app {
            "none requested: access is set in the app's registration".to_owned()
        } else {
            o.scopes.join(" ")
        };
        rows.push(("Scopes", scopes));
        if !o.optional_scopes.is_empty() {
            rows.push(("Optional scopes", o.optional_scopes.join(" ")));
        }
        for (k, v) in &o.extra_authorization_params {
            rows.push(("Authorization parameter", format!("{k}={v}")));
        }
        for (k, v) in &o.extra_token_params {
            rows.push(("Token parameter", format!("{k}={v}")));
        }
        rows.push(("PKCE", format!("{:?}", o.pkce).to_lowercase()));
        let redirects: Vec<&str> = o
            .redirect
            .iter()
            .map(|r| match r {
                keyport_model::RedirectKind::CustomScheme => "keyport://oauth/callback",
                keyport_model::RedirectKind::Loopback => "http://127.0.0.1:<port>/oauth/callback",
                keyport_model::RedirectKind::Https => "https only (paste the address you land on)",
            })
            .collect();
        rows.push(("Redirect", redirects.join(", ")));
        rows.push(("Client auth", format!("{:?}", o.client_auth).to_lowercase()));
        rows.push((
            "Refresh rotates",
            if o.refresh_token_rotates { "yes" } else { "no" }.to_owned(),
        ));
        if let Some(check) = &o.check {
            rows.push((
                "Check",
                format!("{} {} → {}", check.method, check.url, check.expect_status),
            ));
        }
        rows.push(("Docs", o.docs_url.clone()));
        section(&mut out, Some("OAuth 2.0"), &rows);
        for note in &o.notes {
            let _ = writeln!(out, "  Note: {note}");
        }
    }
    for (title, auth) in [
        ("API key", &c.api_key),
        ("Bearer token", &c.bearer_token),
        ("Basic auth", &c.basic_auth),
    ] {
        if let Some(auth) = auth {
            section(&mut out, Some(title), &key_rows(auth));
        }
    }
    if let Some(db) = &c.database {
        section(
            &mut out,
            Some("Database"),
            &[
                ("Driver", format!("{:?}", db.driver).to_lowercase()),
                ("Default port", db.default_port.to_string()),
                ("URL schemes", db.url_schemes.join(", ")),
                ("TLS modes", db.tls_modes.join(", ")),
                (
                    "Login fields",
                    db.login_fields()
                        .iter()
                        .filter(|f| !f.secret)
                        .map(|f| format!("{}{}", f.key, if f.required { "" } else { "?" }))
                        .collect::<Vec<_>>()
                        .join(", ")
                        + " (--config; the password with --password-stdin)",
                ),
                ("Docs", db.docs_url.clone()),
            ],
        );
    }
    if let Some(sa) = &c.service_account {
        let mut rows = vec![("Format", format!("{:?}", sa.format))];
        if let Some(t) = &sa.token_url {
            rows.push(("Token URL", t.clone()));
        }
        if !sa.scopes.is_empty() {
            rows.push(("Scopes", sa.scopes.join(" ")));
        }
        if let Some(check) = &sa.check {
            rows.push((
                "Check",
                format!("{} {} → {}", check.method, check.url, check.expect_status),
            ));
        }
        rows.push(("Docs", sa.docs_url.clone()));
        section(&mut out, Some("Service account"), &rows);
    }
    out
}

fn key_rows(auth: &KeyAuth) -> Vec<(&'static str, String)> {
    let label = format!("<{}>", auth.secret_label);
    let shown = |t: &Option<String>| t.clone().unwrap_or_default().replace("{secret}", &label);
    let sent = match auth.location {
        KeyLocation::Header => format!("header {}: {}", shown(&auth.name), shown(&auth.template)),
        KeyLocation::Query => format!("query parameter {}={label}", shown(&auth.name)),
        KeyLocation::Basic => format!(
            "basic auth {} : {}",
            shown(&auth.username),
            shown(&auth.password)
        ),
    };
    vec![
        ("Credential", auth.secret_label.clone()),
        ("Sent as", sent),
        (
            "Check",
            format!(
                "{} {} → {}",
                auth.check.method, auth.check.url, auth.check.expect_status
            ),
        ),
        ("Docs", auth.docs_url.clone()),
    ]
}

fn section(out: &mut String, title: Option<&str>, rows: &[(&str, String)]) {
    if let Some(title) = title {
        let _ = writeln!(out, "\n{title}");
    }
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, v) in rows {
        let _ = writeln!(out, "  {k:<width$}  {v}");
    }
    if title.is_none() {
        out.push('\n');
    }
}
