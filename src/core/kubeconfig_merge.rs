//! Putting one cluster, user and context into an existing kubeconfig text the way kubectl
//! would (an entry of the same name is replaced, a new one appended), while every other
//! entry stays byte for byte as it was. The text is edited line by line for the block style
//! kubectl and most tools write; the result is then compared with the same change made to
//! the parsed document, and a file the line editor cannot handle (flow style, anchors) is
//! written out whole instead, which the caller reports.

use serde_json::{Value, json};

/// One entry of a kubeconfig list: `clusters`, `users` or `contexts`.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub section: &'static str,
    pub name: String,
    /// The entry's body (`{"server": ..}` for a cluster), under the key of its kind.
    pub body: Value,
}

impl Entry {
    fn key(&self) -> &'static str {
        match self.section {
            "clusters" => "cluster",
            "users" => "user",
            _ => "context",
        }
    }

    fn value(&self) -> Value {
        json!({"name": self.name, self.key(): self.body})
    }

    /// The entry as a block-style list item at `indent`.
    fn block(&self, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let mut out = format!("{pad}- name: {}\n{pad}  {}:\n", self.name, self.key());
        if let Value::Object(map) = &self.body {
            for (k, v) in map {
                match v {
                    Value::String(s) => out.push_str(&format!("{pad}    {k}: {s}\n")),
                    Value::Array(_) | Value::Object(_) => {
                        // Nested (a context's extensions): block style under the key.
                        out.push_str(&format!("{pad}    {k}:\n"));
                        let yaml = serde_saphyr::to_string(v).unwrap_or_default();
                        for line in yaml.lines() {
                            out.push_str(&format!("{pad}      {line}\n"));
                        }
                    }
                    other => out.push_str(&format!("{pad}    {k}: {other}\n")),
                }
            }
        }
        out
    }
}

/// The name of the context extension that remembers where a control plane's context came
/// from, so k0smotron finds its mothership again while that context is current (as
/// vcluster remembers its host cluster).
pub const MOTHERSHIP_EXTENSION: &str = "k0smotron.io/mothership";

/// What the extension remembers.
#[derive(Debug, Clone, PartialEq)]
pub struct Mothership {
    /// The mothership's context in the same kubeconfig.
    pub context: String,
    /// The control plane's namespace on the mothership.
    pub namespace: String,
    pub control_plane: String,
}

impl Mothership {
    /// The `extensions` list of the context entry.
    pub fn extensions(&self) -> Value {
        json!([{
            "name": MOTHERSHIP_EXTENSION,
            "extension": {
                "context": self.context,
                "namespace": self.namespace,
                "controlPlane": self.control_plane,
            },
        }])
    }

    /// What the extensions of a context (a kubeconfig's `context` body) remember, if anything.
    pub fn of(context: &Value) -> Option<Mothership> {
        let ext = context["extensions"]
            .as_array()?
            .iter()
            .find(|e| e["name"] == MOTHERSHIP_EXTENSION)?;
        let field = |k: &str| ext["extension"][k].as_str().map(String::from);
        Some(Mothership {
            context: field("context").filter(|c| !c.is_empty())?,
            namespace: field("namespace").unwrap_or_default(),
            control_plane: field("controlPlane").unwrap_or_default(),
        })
    }

    /// The mothership remembered by context `name` of kubeconfig `doc`, if that context and
    /// the one it remembers both exist.
    pub fn of_context(doc: &Value, name: &str) -> Option<Mothership> {
        let contexts = doc["contexts"].as_array()?;
        let entry = contexts.iter().find(|c| c["name"] == name)?;
        let m = Mothership::of(&entry["context"])?;
        contexts
            .iter()
            .any(|c| c["name"] == m.context.as_str())
            .then_some(m)
    }
}

/// The three entries of a kubeconfig that [`crate::core::kubeconfig::render`] writes.
pub fn entries(kubeconfig: &Value) -> Vec<Entry> {
    let mut out = Vec::new();
    for (section, key) in [
        ("clusters", "cluster"),
        ("users", "user"),
        ("contexts", "context"),
    ] {
        for item in kubeconfig[section].as_array().into_iter().flatten() {
            out.push(Entry {
                section,
                name: item["name"].as_str().unwrap_or_default().to_string(),
                body: item[key].clone(),
            });
        }
    }
    out
}

/// The change made to the parsed document: what the text must amount to.
pub fn apply(doc: &Value, entries: &[Entry], current: Option<&str>) -> Value {
    let mut doc = if doc.is_object() {
        doc.clone()
    } else {
        json!({"apiVersion": "v1", "kind": "Config"})
    };
    for e in entries {
        let list = doc[e.section].as_array().cloned().unwrap_or_default();
        let mut list: Vec<Value> = list;
        match list.iter().position(|i| i["name"] == e.name.as_str()) {
            Some(i) => list[i] = e.value(),
            None => list.push(e.value()),
        }
        doc[e.section] = Value::Array(list);
    }
    if let Some(c) = current {
        doc["current-context"] = json!(c);
    }
    doc
}

fn is_top_level_key(line: &str) -> bool {
    line.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// The list items of the section whose header is line `start`.
struct Section {
    first_item: usize,
    /// The first line after the section.
    end: usize,
    indent: usize,
    /// (first line, line after, name) of each item.
    items: Vec<(usize, usize, String)>,
}

fn section(lines: &[&str], start: usize) -> Option<Section> {
    let end = (start + 1..lines.len())
        .find(|&i| is_top_level_key(lines[i]))
        .unwrap_or(lines.len());
    let first_item = (start + 1..end).find(|&i| lines[i].trim_start().starts_with('-'))?;
    let indent = lines[first_item].len() - lines[first_item].trim_start().len();
    let is_item_start =
        |l: &str| l.len() > indent && l[..indent].trim().is_empty() && l[indent..].starts_with('-');
    let starts: Vec<usize> = (first_item..end)
        .filter(|&i| is_item_start(lines[i]))
        .collect();
    let mut items = Vec::new();
    for (n, &s) in starts.iter().enumerate() {
        let e = starts.get(n + 1).copied().unwrap_or(end);
        let item: String = lines[s..e]
            .iter()
            .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
            .collect::<Vec<_>>()
            .join("\n");
        let parsed: Value = serde_saphyr::from_str(&item).ok()?;
        items.push((
            s,
            e,
            parsed[0]["name"].as_str().unwrap_or_default().to_string(),
        ));
    }
    Some(Section {
        first_item,
        end,
        indent,
        items,
    })
}

/// Take the entries called `name` out of `text`, line by line, and unset current-context
/// when it names it. `None` when the text is not in a shape this editor knows.
fn remove_lines(text: &str, name: &str) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for sec in ["clusters", "users", "contexts"] {
        let header = format!("{sec}:");
        let view: Vec<&str> = lines.iter().map(String::as_str).collect();
        let Some(start) = view.iter().position(|l| l.starts_with(&header)) else {
            continue;
        };
        let rest = view[start][header.len()..].trim();
        if matches!(rest, "[]" | "null" | "~") {
            continue;
        }
        if !rest.is_empty() && !rest.starts_with('#') {
            return None;
        }
        let Some(found) = section(&view, start) else {
            continue;
        };
        let Some(&(s, e, _)) = found.items.iter().find(|(_, _, n)| n == name) else {
            continue;
        };
        let emptied = found.items.len() == 1;
        lines.drain(s..e);
        if emptied {
            lines[start] = format!("{header} []");
        }
    }
    lines.retain(|l| l.trim_end() != format!("current-context: {name}"));
    Some(lines.join("\n") + "\n")
}

/// The text without the entries called `name` (and without `current-context` if it named
/// it), whether other entries kept their bytes, and whether anything was removed.
pub fn remove(text: &str, name: &str) -> Result<(String, bool, bool), String> {
    let doc: Value = serde_saphyr::from_str(text).map_err(|e| format!("not a kubeconfig: {e}"))?;
    let mut expected = doc.clone();
    let mut removed = false;
    for sec in ["clusters", "users", "contexts"] {
        if let Some(list) = expected[sec].as_array_mut() {
            let before = list.len();
            list.retain(|i| i["name"] != name);
            removed |= list.len() != before;
        }
    }
    if expected["current-context"] == name
        && let Some(map) = expected.as_object_mut()
    {
        map.remove("current-context");
        removed = true;
    }
    if !removed {
        return Ok((text.to_string(), true, false));
    }
    if let Some(t) = remove_lines(text, name)
        && serde_saphyr::from_str::<Value>(&t).ok().as_ref() == Some(&expected)
    {
        return Ok((t, true, true));
    }
    let whole = serde_saphyr::to_string(&expected).map_err(|e| e.to_string())?;
    Ok((whole, false, true))
}

/// Put `entry` into `text`, line by line. `None` when the text is not in a shape this
/// editor knows.
fn upsert(text: &str, entry: &Entry) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let header = format!("{}:", entry.section);
    let Some(start) = lines.iter().position(|l| l.starts_with(&header)) else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        return Some(format!("{out}{header}\n{}", entry.block(0)));
    };
    let rest = lines[start][header.len()..].trim();
    if matches!(rest, "[]" | "null" | "~") {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        out[start] = format!("{header}\n{}", entry.block(0).trim_end());
        return Some(out.join("\n") + "\n");
    }
    if !rest.is_empty() && !rest.starts_with('#') {
        return None;
    }
    let Section {
        first_item,
        end,
        indent,
        items,
    } = section(&lines, start)?;
    let found = items
        .iter()
        .find(|(_, _, name)| name == &entry.name)
        .map(|(s, e, _)| (*s, *e));
    let mut out: Vec<String> = Vec::new();
    let block = entry.block(indent);
    let block = block.trim_end();
    match found {
        Some((s, e)) => {
            // Trailing blank or comment lines of the old item stay where they were.
            let mut item_end = e;
            while item_end > s + 1 && {
                let t = lines[item_end - 1].trim();
                t.is_empty() || t.starts_with('#')
            } {
                item_end -= 1;
            }
            out.extend(lines[..s].iter().map(|l| l.to_string()));
            out.push(block.to_string());
            out.extend(lines[item_end..].iter().map(|l| l.to_string()));
        }
        None => {
            let mut last = end;
            while last > first_item && lines[last - 1].trim().is_empty() {
                last -= 1;
            }
            out.extend(lines[..last].iter().map(|l| l.to_string()));
            out.push(block.to_string());
            out.extend(lines[last..].iter().map(|l| l.to_string()));
        }
    }
    Some(out.join("\n") + "\n")
}

fn set_current(text: &str, context: &str) -> String {
    let mut found = false;
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("current-context:") {
                found = true;
                format!("current-context: {context}")
            } else {
                l.to_string()
            }
        })
        .collect();
    if !found {
        lines.push(format!("current-context: {context}"));
    }
    lines.join("\n") + "\n"
}

/// The merged text, and whether other entries kept their bytes (`false`: the file was
/// written out whole because its layout was beyond the line editor).
pub fn merge(
    text: &str,
    entries: &[Entry],
    current: Option<&str>,
) -> Result<(String, bool), String> {
    let original: Value = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_saphyr::from_str(text).map_err(|e| format!("not a kubeconfig: {e}"))?
    };
    let expected = apply(&original, entries, current);
    let mut edited = if text.trim().is_empty() {
        Some("apiVersion: v1\nkind: Config\n".to_string())
    } else {
        Some(text.to_string())
    };
    for e in entries {
        edited = edited.and_then(|t| upsert(&t, e));
    }
    if let (Some(t), Some(c)) = (&edited, current) {
        edited = Some(set_current(t, c));
    }
    if let Some(t) = edited
        && serde_saphyr::from_str::<Value>(&t).ok().as_ref() == Some(&expected)
    {
        return Ok((t, true));
    }
    let whole = serde_saphyr::to_string(&expected).map_err(|e| e.to_string())?;
    Ok((whole, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(name: &str, server: &str) -> Vec<Entry> {
        vec![
            Entry {
                section: "clusters",
                name: name.into(),
                body: json!({"server": server, "certificate-authority-data": "Q0E="}),
            },
            Entry {
                section: "users",
                name: name.into(),
                body: json!({"client-certificate-data": "Qw==", "client-key-data": "Sw=="}),
            },
            Entry {
                section: "contexts",
                name: name.into(),
                body: json!({"cluster": name, "user": name}),
            },
        ]
    }

    const KUBECTL: &str = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: AAAA\n    server: https://prod:6443\n  name: prod\ncontexts:\n- context:\n    cluster: prod\n    namespace: apps   # comment kept\n    user: prod-admin\n  name: prod\ncurrent-context: prod\nkind: Config\npreferences: {}\nusers:\n- name: prod-admin\n  user:\n    token: secret\n";

    #[test]
    fn new_entries_are_appended_and_the_rest_kept_byte_for_byte() {
        let (out, kept) = merge(
            KUBECTL,
            &ours("k0smotron-demo", "https://192.0.2.1:30443"),
            None,
        )
        .unwrap();
        assert!(kept);
        for line in KUBECTL.lines() {
            assert!(out.contains(line), "{line:?} lost in\n{out}");
        }
        let doc: Value = serde_saphyr::from_str(&out).unwrap();
        assert_eq!(doc["clusters"].as_array().unwrap().len(), 2);
        assert_eq!(doc["current-context"], "prod");
        assert_eq!(
            doc["clusters"][1]["cluster"]["server"],
            "https://192.0.2.1:30443"
        );
    }

    #[test]
    fn an_entry_of_the_same_name_is_replaced_and_the_context_switched() {
        let (once, _) = merge(KUBECTL, &ours("k0smotron-demo", "https://old:1"), None).unwrap();
        let (twice, kept) = merge(
            &once,
            &ours("k0smotron-demo", "https://new:2"),
            Some("k0smotron-demo"),
        )
        .unwrap();
        assert!(kept);
        let doc: Value = serde_saphyr::from_str(&twice).unwrap();
        assert_eq!(doc["clusters"].as_array().unwrap().len(), 2);
        assert_eq!(doc["clusters"][1]["cluster"]["server"], "https://new:2");
        assert_eq!(doc["current-context"], "k0smotron-demo");
        assert!(twice.contains("    namespace: apps   # comment kept\n"));
    }

    #[test]
    fn empty_files_empty_lists_and_flow_style() {
        let (out, kept) = merge("", &ours("a", "https://a:1"), Some("a")).unwrap();
        assert!(kept);
        let doc: Value = serde_saphyr::from_str(&out).unwrap();
        assert_eq!(doc["users"][0]["name"], "a");
        let (out, kept) = merge(
            "apiVersion: v1\nkind: Config\nclusters: []\nusers: null\n",
            &ours("a", "https://a:1"),
            None,
        )
        .unwrap();
        assert!(kept, "{out}");
        let flow = "{apiVersion: v1, kind: Config, clusters: [{name: x, cluster: {server: 'https://x:1'}}], users: [], contexts: []}\n";
        let (out, kept) = merge(flow, &ours("a", "https://a:1"), None).unwrap();
        assert!(!kept, "flow style is written out whole");
        let doc: Value = serde_saphyr::from_str(&out).unwrap();
        assert_eq!(doc["clusters"][0]["name"], "x");
        assert_eq!(doc["clusters"][1]["name"], "a");
    }

    #[test]
    fn a_context_remembers_its_mothership_and_kubectl_style_text_keeps_it() {
        let mut entries = ours("k0smotron-demo", "https://203.0.113.11:31443");
        let m = Mothership {
            context: "prod".into(),
            namespace: "cps".into(),
            control_plane: "demo".into(),
        };
        entries[2].body["extensions"] = m.extensions();
        let (text, kept) = merge(KUBECTL, &entries, Some("k0smotron-demo")).unwrap();
        assert!(kept, "{text}");
        assert!(text.contains("name: k0smotron.io/mothership\n"), "{text}");
        let doc: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(Mothership::of_context(&doc, "k0smotron-demo"), Some(m));
        assert_eq!(Mothership::of_context(&doc, "prod"), None);
        // A remembered context that is gone is no mothership.
        let gone = text.replace("  name: prod\n", "  name: elsewhere\n");
        let doc: Value = serde_saphyr::from_str(&gone).unwrap();
        assert_eq!(Mothership::of_context(&doc, "k0smotron-demo"), None);
    }

    #[test]
    fn removing_takes_only_that_entry() {
        let (merged, _) = merge(
            KUBECTL,
            &ours("k0smotron-demo", "https://a:1"),
            Some("k0smotron-demo"),
        )
        .unwrap();
        let (out, kept, removed) = remove(&merged, "k0smotron-demo").unwrap();
        assert!(kept && removed);
        let expected = KUBECTL.replace("current-context: prod\n", "");
        assert_eq!(out, expected, "every other line as it was");
        let (same, _, removed) = remove(KUBECTL, "k0smotron-absent").unwrap();
        assert!(!removed);
        assert_eq!(same, KUBECTL);
        // The only entry of a section leaves an empty list.
        let (only, _) = merge("", &ours("a", "https://a:1"), None).unwrap();
        let (out, kept, _) = remove(&only, "a").unwrap();
        assert!(kept, "{out}");
        let doc: Value = serde_saphyr::from_str(&out).unwrap();
        assert_eq!(doc["clusters"], json!([]));
    }

    #[test]
    fn garbage_is_refused() {
        assert!(merge("clusters: [unclosed", &ours("a", "https://a:1"), None).is_err());
    }
}
