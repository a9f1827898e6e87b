//! The JSON clients' files (Claude Desktop, Claude Code, Cursor, VS Code, Windsurf), read and
//! written with their keys in the person's order: a rewrite that sorted `~/.claude.json` (where
//! Claude Code keeps hundreds of unrelated settings) would bury the one change in the diff.
//! serde_json's own `preserve_order` would change the order of every map in the workspace, so
//! this module keeps its own small ordered value instead.

use super::{ConfigProblem, Keep, Server};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON value whose objects keep their keys in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(pairs) => pairs.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets `key` in an object, in place when it exists, else at the end.
    fn set(&mut self, key: &str, value: Json) {
        if let Json::Object(pairs) = self {
            match pairs.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value,
                None => pairs.push((key.to_owned(), value)),
            }
        }
    }

    fn remove(&mut self, key: &str) {
        if let Json::Object(pairs) = self {
            pairs.retain(|(k, _)| k != key);
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    fn strings(list: &[String]) -> Json {
        Json::Array(list.iter().map(|s| Json::String(s.clone())).collect())
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(text) => s.serialize_str(text),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(pairs) => {
                let mut map = s.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(n)
            .map(Json::Number)
            .ok_or_else(|| E::custom("a number JSON cannot hold"))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut pairs = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            pairs.push((k, v));
        }
        Ok(Json::Object(pairs))
    }
}

/// One JSON file and where in it the servers are (`["mcpServers"]`, `["servers"]`, or Claude
/// Code's local scope `["projects", "/abs/project", "mcpServers"]`).
pub struct JsonDoc {
    root: Json,
    at: Vec<String>,
    indent: Vec<u8>,
}

impl JsonDoc {
    /// An empty file is a new one: `{}`.
    pub fn parse(text: &str, at: Vec<String>) -> Result<JsonDoc, ConfigProblem> {
        let root = if text.trim().is_empty() {
            Json::Object(Vec::new())
        } else {
            serde_json::from_str::<Json>(text).map_err(|e| ConfigProblem::Syntax {
                format: "JSON",
                line: e.line(),
                column: e.column(),
                what: match e.classify() {
                    serde_json::error::Category::Eof => "the file ends early",
                    _ => "a syntax error (a comment, a trailing comma, a missing quote?)",
                },
            })?
        };
        if !matches!(root, Json::Object(_)) {
            return Err(ConfigProblem::Shape {
                at: "the top level".into(),
                expected: "an object",
            });
        }
        Ok(JsonDoc {
            root,
            at,
            indent: indent_of(text),
        })
    }

    fn at_text(&self) -> String {
        self.at.join(".")
    }

    fn servers_map(&self) -> Result<Option<&[(String, Json)]>, ConfigProblem> {
        let mut node = &self.root;
        for key in &self.at {
            match node.get(key) {
                Some(next) => node = next,
                None => return Ok(None),
            }
        }
        match node {
            Json::Object(pairs) => Ok(Some(pairs)),
            Json::Null => Ok(None),
            _ => Err(ConfigProblem::Shape {
                at: self.at_text(),
                expected: "an object of servers by name",
            }),
        }
    }

    pub fn servers(&self) -> Result<Vec<Server>, ConfigProblem> {
        let Some(pairs) = self.servers_map()? else {
            return Ok(Vec::new());
        };
        pairs
            .iter()
            .map(|(name, entry)| self.server(name, entry))
            .collect()
    }

    fn server(&self, name: &str, entry: &Json) -> Result<Server, ConfigProblem> {
        let at = |key: &str| format!("{}.{name}{key}", self.at_text());
        if !matches!(entry, Json::Object(_)) {
            return Err(ConfigProblem::Shape {
                at: at(""),
                expected: "an object",
            });
        }
        let text = |key: &str| -> Result<Option<String>, ConfigProblem> {
            match entry.get(key) {
                None | Some(Json::Null) => Ok(None),
                Some(Json::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(ConfigProblem::Shape {
                    at: at(&format!(".{key}")),
                    expected: "a string",
                }),
            }
        };
        let args = match entry.get("args") {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ConfigProblem::Shape {
                    at: at(".args"),
                    expected: "a list of strings",
                })?,
            Some(_) => {
                return Err(ConfigProblem::Shape {
                    at: at(".args"),
                    expected: "a list of strings",
                })
            }
        };
        let pairs = |key: &str| -> Result<Vec<(String, String)>, ConfigProblem> {
            match entry.get(key) {
                None | Some(Json::Null) => Ok(Vec::new()),
                Some(Json::Object(pairs)) => pairs
                    .iter()
                    .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| ConfigProblem::Shape {
                        at: at(&format!(".{key}")),
                        expected: "an object of strings",
                    }),
                Some(_) => Err(ConfigProblem::Shape {
                    at: at(&format!(".{key}")),
                    expected: "an object of strings",
                }),
            }
        };
        Ok(Server {
            name: name.to_owned(),
            command: text("command")?,
            args,
            env: pairs("env")?,
            // Windsurf names a remote server's address `serverUrl`:
            // https://docs.windsurf.com/windsurf/cascade/mcp
            url: text("url")?.or(text("serverUrl")?),
            headers: pairs("headers")?,
        })
    }

    /// Makes `name` run `command args`: a new entry, or the old one rewritten in place with
    /// what `keep` says kept of it.
    pub fn set_stdio(&mut self, name: &str, command: &str, args: &[String], keep: Keep) {
        let mut node = &mut self.root;
        for key in &self.at {
            if !matches!(node.get(key), Some(Json::Object(_))) {
                node.set(key, Json::Object(Vec::new()));
            }
            node = node.get_mut(key).expect("just set");
        }
        let drop_env = match keep {
            Keep::Nothing => {
                node.set(name, Json::Object(Vec::new()));
                &[][..]
            }
            Keep::AllBut(drop) => drop,
        };
        if !matches!(node.get(name), Some(Json::Object(_))) {
            node.set(name, Json::Object(Vec::new()));
        }
        let entry = node.get_mut(name).expect("just set");
        entry.set("command", Json::String(command.to_owned()));
        entry.set("args", Json::strings(args));
        if let Some(env) = entry.get_mut("env") {
            for key in drop_env {
                env.remove(key);
            }
            if matches!(env, Json::Object(p) if p.is_empty()) {
                entry.remove("env");
            }
        }
    }

    /// Takes entry `name` out of the servers, leaving the rest of the file as it was.
    pub fn remove_server(&mut self, name: &str) {
        let mut node = &mut self.root;
        for key in &self.at {
            match node.get_mut(key) {
                Some(next) => node = next,
                None => return,
            }
        }
        node.remove(name);
    }

    /// The file's text, indented as the file was (two spaces when it was new or flat).
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(&self.indent);
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        self.root
            .serialize(&mut ser)
            .expect("writing JSON to memory cannot fail");
        let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
        text.push('\n');
        text
    }
}

/// The indent of the first indented line (spaces or tabs), else two spaces.
fn indent_of(text: &str) -> Vec<u8> {
    text.lines()
        .skip(1)
        .map(|line| {
            line.bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .collect::<Vec<u8>>()
        })
        .find(|indent| !indent.is_empty())
        .unwrap_or_else(|| b"  ".to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_order_and_indent_and_other_keys_survive() {
        let text = "{\n    \"zeta\": 1,\n    \"mcpServers\": {\n        \"b\": {\"command\": \"x\", \"env\": {\"A\": \"1\", \"TOKEN\": \"t\"}, \"disabled\": false},\n        \"a\": {\"url\": \"https://h/mcp\"}\n    },\n    \"alpha\": [1.5, null, true]\n}\n";
        let mut doc = JsonDoc::parse(text, vec!["mcpServers".into()]).unwrap();
        let servers = doc.servers().unwrap();
        assert_eq!(
            servers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert_eq!(servers[1].url.as_deref(), Some("https://h/mcp"));
        doc.set_stdio(
            "b",
            "/bin/kp",
            &["exec".into()],
            Keep::AllBut(&["TOKEN".into()]),
        );
        let out = doc.render();
        let zeta = out.find("zeta").unwrap();
        let alpha = out.find("alpha").unwrap();
        assert!(zeta < out.find("mcpServers").unwrap() && out.find("mcpServers").unwrap() < alpha);
        assert!(out.contains("\n    \"zeta\": 1,"), "{out}");
        assert!(out.contains("\"disabled\": false"), "{out}");
        assert!(!out.contains("TOKEN"), "{out}");
        assert!(out.contains("\"A\": \"1\""), "{out}");
        let mut again = JsonDoc::parse(&out, vec!["mcpServers".into()]).unwrap();
        assert_eq!(
            again.servers().unwrap()[0].command.as_deref(),
            Some("/bin/kp")
        );
        again.remove_server("b");
        let out = again.render();
        assert!(!out.contains("/bin/kp"), "{out}");
        assert!(out.contains("\n    \"zeta\": 1,"), "{out}");
        let servers = JsonDoc::parse(&out, vec!["mcpServers".into()])
            .unwrap()
            .servers()
            .unwrap();
        assert_eq!(servers.len(), 1);
        assert_eq!(servers[0].name, "a");
    }

    #[test]
    fn nested_locations_are_created_and_bad_shapes_refused() {
        let at = vec![
            "projects".to_owned(),
            "/p".to_owned(),
            "mcpServers".to_owned(),
        ];
        let mut doc = JsonDoc::parse("", at.clone()).unwrap();
        assert!(doc.servers().unwrap().is_empty());
        doc.set_stdio("gh", "/kp", &[], Keep::Nothing);
        let out = doc.render();
        let doc = JsonDoc::parse(&out, at).unwrap();
        assert_eq!(doc.servers().unwrap()[0].name, "gh");

        let bad = JsonDoc::parse(
            "{\"mcpServers\": {\"x\": {\"args\": [1]}}}",
            vec!["mcpServers".into()],
        )
        .unwrap();
        assert_eq!(
            bad.servers().unwrap_err().to_string(),
            "mcpServers.x.args is not a list of strings"
        );
        let err = JsonDoc::parse("{\n  \"a\": 1,\n}", vec![]).err().unwrap();
        assert!(
            matches!(err, ConfigProblem::Syntax { line: 3, .. }),
            "{err}"
        );
        assert!(JsonDoc::parse("[]", vec![]).is_err());
    }
}
