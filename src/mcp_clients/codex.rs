//! Codex's `config.toml`: servers are `[mcp_servers.NAME]` tables with `command`, `args`, `env`,
//! or `url`, `bearer_token` and `http_headers` for remote ones
//! (https://developers.openai.com/codex/mcp). Edited with toml_edit so the person's comments,
//! order and formatting outside the one entry stay as they were.

use super::{ConfigProblem, Keep, Server};
use toml_edit::{Array, DocumentMut, Item, TableLike};

const SERVERS: &str = "mcp_servers";

pub struct TomlDoc {
    doc: DocumentMut,
}

/// 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl TomlDoc {
    pub fn parse(text: &str) -> Result<TomlDoc, ConfigProblem> {
        // The parser's own message quotes the offending line, which may hold a secret: only
        // its position is passed on.
        let doc = text.parse::<DocumentMut>().map_err(|e| {
            let (line, column) = line_column(text, e.span().map_or(0, |s| s.start));
            ConfigProblem::Syntax {
                format: "TOML",
                line,
                column,
                what: "a syntax error",
            }
        })?;
        Ok(TomlDoc { doc })
    }

    pub fn servers(&self) -> Result<Vec<Server>, ConfigProblem> {
        let Some(item) = self.doc.get(SERVERS) else {
            return Ok(Vec::new());
        };
        let table = item.as_table_like().ok_or_else(|| ConfigProblem::Shape {
            at: SERVERS.into(),
            expected: "a table of servers by name",
        })?;
        table
            .iter()
            .map(|(name, entry)| {
                let at = format!("{SERVERS}.{name}");
                let entry = entry.as_table_like().ok_or_else(|| ConfigProblem::Shape {
                    at: at.clone(),
                    expected: "a table",
                })?;
                server(name, entry, &at)
            })
            .collect()
    }

    /// Makes `name` run `command args`: a new `[mcp_servers.NAME]` table, or the old one
    /// rewritten in place with what `keep` says kept of it.
    pub fn set_stdio(&mut self, name: &str, command: &str, args: &[String], keep: Keep) {
        let servers = self.doc.entry(SERVERS).or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            table.set_implicit(true);
            Item::Table(table)
        });
        if servers.as_table_like().is_none() {
            *servers = Item::Table(toml_edit::Table::new());
        }
        let servers = servers.as_table_like_mut().expect("a table");
        let drop_env = match keep {
            Keep::Nothing => {
                servers.remove(name);
                &[][..]
            }
            Keep::AllBut(drop) => drop,
        };
        if servers.get(name).and_then(Item::as_table_like).is_none() {
            servers.insert(name, Item::Table(toml_edit::Table::new()));
        }
        let entry = servers
            .get_mut(name)
            .and_then(Item::as_table_like_mut)
            .expect("just set");
        entry.insert("command", toml_edit::value(command));
        let list: Array = args.iter().map(String::as_str).collect();
        entry.insert("args", toml_edit::value(list));
        let emptied = match entry.get_mut("env").and_then(Item::as_table_like_mut) {
            Some(env) => {
                for key in drop_env {
                    env.remove(key);
                }
                env.is_empty()
            }
            None => false,
        };
        if emptied {
            entry.remove("env");
        }
    }

    /// Takes the `[mcp_servers.NAME]` table out, leaving the rest of the file as it was.
    pub fn remove_server(&mut self, name: &str) {
        if let Some(servers) = self.doc.get_mut(SERVERS).and_then(Item::as_table_like_mut) {
            servers.remove(name);
        }
    }

    pub fn render(&self) -> String {
        self.doc.to_string()
    }
}

fn server(name: &str, entry: &dyn TableLike, at: &str) -> Result<Server, ConfigProblem> {
    let shape = |key: &str, expected| ConfigProblem::Shape {
        at: format!("{at}.{key}"),
        expected,
    };
    let text = |key: &str| -> Result<Option<String>, ConfigProblem> {
        match entry.get(key) {
            None => Ok(None),
            Some(item) => item
                .as_str()
                .map(|s| Some(s.to_owned()))
                .ok_or_else(|| shape(key, "a string")),
        }
    };
    let args = match entry.get("args") {
        None => Vec::new(),
        Some(item) => item
            .as_array()
            .and_then(|a| {
                a.iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| shape("args", "a list of strings"))?,
    };
    let pairs = |key: &str| -> Result<Vec<(String, String)>, ConfigProblem> {
        match entry.get(key) {
            None => Ok(Vec::new()),
            Some(item) => item
                .as_table_like()
                .and_then(|t| {
                    t.iter()
                        .map(|(k, v)| v.as_str().map(|v| (k.to_owned(), v.to_owned())))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| shape(key, "a table of strings")),
        }
    };
    let mut headers = pairs("http_headers")?;
    // Codex refuses an inline `bearer_token`, but one written there is still a secret in the
    // file: it is reported as the Authorization header it stands for.
    if let Some(token) = text("bearer_token")? {
        headers.push(("bearer_token".to_owned(), token));
    }
    Ok(Server {
        name: name.to_owned(),
        command: text("command")?,
        args,
        env: pairs("env")?,
        url: text("url")?,
        headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# my settings
model = "gpt-5"

[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]
env = { "API_KEY" = "value", "MODE" = "fast" } # inline

[projects."/home/me/x"]
trust_level = "trusted"
"#;

    #[test]
    fn reads_and_rewrites_one_table_keeping_the_rest() {
        let mut doc = TomlDoc::parse(SAMPLE).unwrap();
        let servers = doc.servers().unwrap();
        assert_eq!(servers[0].name, "docs");
        assert_eq!(servers[0].args, ["-y", "docs-mcp"]);
        assert_eq!(servers[0].env[0], ("API_KEY".into(), "value".into()));
        doc.set_stdio(
            "docs",
            "/kp",
            &["exec".into(), "c1".into()],
            Keep::AllBut(&["API_KEY".into()]),
        );
        doc.set_stdio("new", "/kp", &["exec".into()], Keep::Nothing);
        let out = doc.render();
        assert!(
            out.starts_with("# my settings\nmodel = \"gpt-5\"\n"),
            "{out}"
        );
        assert!(out.contains("trust_level = \"trusted\""), "{out}");
        assert!(!out.contains("API_KEY"), "{out}");
        assert!(out.contains("MODE"), "{out}");
        assert!(out.contains("[mcp_servers.new]"), "{out}");
        let mut again = TomlDoc::parse(&out).unwrap();
        let servers = again.servers().unwrap();
        assert_eq!(servers.len(), 2);
        assert_eq!(servers[0].command.as_deref(), Some("/kp"));
        again.remove_server("new");
        let out = again.render();
        assert!(!out.contains("[mcp_servers.new]"), "{out}");
        assert!(out.contains("trust_level = \"trusted\""), "{out}");
        assert_eq!(TomlDoc::parse(&out).unwrap().servers().unwrap().len(), 1);
    }

    #[test]
    fn broken_files_give_a_position_and_no_content() {
        let err = TomlDoc::parse("a = 1\n[mcp_servers.x\ncommand = \"sk_live_x\"\n")
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(text.contains("line 2"), "{text}");
        assert!(!text.contains("sk_live"), "{text}");
        let wrong = TomlDoc::parse("mcp_servers = 3\n").unwrap();
        assert!(wrong.servers().is_err());
    }
}
