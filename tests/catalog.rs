//! The built-in catalog: all 50 connectors of the plan, each valid, each in its category.

use keyport::catalog::{placeholders, Catalog};
use keyport::model::{Category, ConnectionType};
use std::collections::BTreeSet;

/// The plan's connectors, categories and connection types (issue 3). Where the service's docs
/// disagree with the plan (DESIGN.md section 9), the docs win; those connectors are listed with
/// `doc_wins` and need only explain the change in their setup steps.
const PLAN: &[(&str, Category, &[ConnectionType], bool)] = {
    use Category::*;
    use ConnectionType::*;
    &[
        ("sap_erp", Erp, &[Oauth2], true),
        ("oracle_netsuite", Erp, &[Oauth2], false),
        ("microsoft_dynamics_365", Erp, &[Oauth2], false),
        ("odoo", Erp, &[ApiKey], true),
        ("sage_intacct", Erp, &[ApiKey], true),
        ("salesforce", Crm, &[Oauth2], false),
        ("hubspot_crm", Crm, &[Oauth2], false),
        ("pipedrive", Crm, &[ApiKey], false),
        ("zoho_crm", Crm, &[Oauth2], false),
        ("workday", Hris, &[Oauth2], false),
        ("bamboohr", Hris, &[ApiKey], false),
        ("personio", Hris, &[ApiKey], true),
        ("sap_successfactors", Hris, &[Oauth2], true),
        ("quickbooks", Finance, &[Oauth2], false),
        ("xero", Finance, &[Oauth2], false),
        ("datev", Finance, &[ApiKey], true),
        ("stripe", Finance, &[Oauth2, ApiKey], false),
        ("lexoffice", Finance, &[ApiKey], false),
        ("sage", Finance, &[ApiKey], true),
        ("snowflake", Data, &[ServiceAccount], false),
        ("databricks", Data, &[ServiceAccount], false),
        ("google_bigquery", Data, &[ServiceAccount], false),
        ("tableau", Data, &[Oauth2], true),
        ("power_bi", Data, &[Oauth2], false),
        ("mailchimp", Marketing, &[ApiKey], false),
        ("hubspot_marketing", Marketing, &[Oauth2], false),
        ("activecampaign", Marketing, &[ApiKey], false),
        ("sendgrid", Marketing, &[ApiKey], false),
        ("shopify", Ecommerce, &[Oauth2], false),
        ("woocommerce", Ecommerce, &[ApiKey], false),
        ("magento", Ecommerce, &[ApiKey], true),
        ("amazon_seller_central", Ecommerce, &[Oauth2], false),
        ("slack", Communication, &[Oauth2], false),
        ("microsoft_teams", Communication, &[Oauth2], false),
        ("google_workspace", Communication, &[Oauth2], false),
        ("microsoft_365", Communication, &[Oauth2], false),
        ("github", Devops, &[Oauth2], false),
        ("gitlab", Devops, &[Oauth2], false),
        ("jira", Devops, &[Oauth2], false),
        ("confluence", Devops, &[Oauth2], false),
        ("aws", Cloud, &[ServiceAccount], false),
        ("azure", Cloud, &[ServiceAccount], false),
        ("gcp", Cloud, &[ServiceAccount], false),
        ("digitalocean", Cloud, &[ApiKey], false),
        ("cloudflare", Cloud, &[ApiKey], false),
        ("postgresql", Databases, &[Database], false),
        ("mysql", Databases, &[Database], false),
        ("mongodb", Databases, &[Database], false),
        ("redis", Databases, &[Database], false),
        ("elasticsearch", Databases, &[ApiKey], false),
    ]
};

#[test]
fn builtin_catalog_loads_without_problems() {
    let catalog = Catalog::builtin();
    let problems: Vec<String> = catalog.problems().iter().map(|p| p.to_string()).collect();
    assert!(
        problems.is_empty(),
        "refused built-in files:\n{}",
        problems.join("\n")
    );
}

#[test]
fn builtin_catalog_is_the_plans_fifty_connectors() {
    let catalog = Catalog::builtin();
    let ids: BTreeSet<&str> = catalog.connectors().iter().map(|c| c.id.as_str()).collect();
    let planned: BTreeSet<&str> = PLAN.iter().map(|p| p.0).collect();
    assert_eq!(PLAN.len(), 50);
    assert_eq!(ids, planned);
    assert_eq!(catalog.connectors().len(), 50, "ids are unique");
    for (id, category, types, doc_wins) in PLAN {
        let c = catalog.get(id).unwrap();
        assert_eq!(c.category, *category, "{id}");
        assert!(!c.custom, "{id}");
        if !doc_wins {
            for t in *types {
                assert!(
                    c.connection_types.contains(t),
                    "{id} lacks the plan's {}",
                    t.id()
                );
            }
        }
    }
}

#[test]
fn category_counts_match_the_plan() {
    let view = Catalog::builtin().view();
    let counts: Vec<(&str, usize)> = view
        .counts("")
        .iter()
        .map(|c| (c.category.id(), c.count))
        .collect();
    assert_eq!(
        counts,
        [
            ("erp", 5),
            ("crm", 4),
            ("hris", 4),
            ("finance", 6),
            ("data", 5),
            ("marketing", 4),
            ("ecommerce", 4),
            ("communication", 4),
            ("devops", 4),
            ("cloud", 5),
            ("databases", 5),
        ]
    );
}

#[test]
fn oauth_connectors_carry_endpoints_scopes_and_their_docs() {
    for c in Catalog::builtin().connectors() {
        let Some(o) = &c.oauth2 else { continue };
        assert!(
            o.scopes.is_empty() == o.scopes_from_app,
            "{}: scopes, or scopes_from_app",
            c.id
        );
        for url in [&o.authorization_url, &o.token_url] {
            assert!(
                url.starts_with("https://") || url.starts_with("{"),
                "{}: {url}",
                c.id
            );
        }
        assert!(o.docs_url.starts_with("https://"), "{}", c.id);
    }
}

#[test]
fn templated_hosts_are_constrained_by_their_fields() {
    // A field that decides a request's host must have a pattern that keeps it on the
    // service's domain: a dot or a slash in it could send credentials elsewhere.
    for c in Catalog::builtin().connectors() {
        let mut urls: Vec<&str> = Vec::new();
        if let Some(o) = &c.oauth2 {
            urls.extend([o.authorization_url.as_str(), o.token_url.as_str()]);
        }
        for url in urls {
            for name in placeholders(url).unwrap() {
                let field = c.fields.iter().find(|f| f.key == name).expect("declared");
                let pattern = field.pattern.as_deref().expect("pattern");
                let re = regex_lite::Regex::new(&format!("^(?:{pattern})$")).unwrap();
                for evil in ["evil.com/", "a@evil.com", "x/../"] {
                    if url.contains(&format!("//{{{name}}}"))
                        || url.contains(&format!("{{{name}}}."))
                    {
                        assert!(!re.is_match(evil), "{}: `{name}` accepts `{evil}`", c.id);
                    }
                }
            }
        }
    }
}

#[test]
fn every_connector_has_setup_steps_and_docs() {
    for c in Catalog::builtin().connectors() {
        assert!(
            c.setup_instructions.len() >= 2,
            "{}: at least two setup steps",
            c.id
        );
        assert!(c.api_docs_url.starts_with("https://"), "{}", c.id);
    }
}

#[test]
fn activecampaign_takes_only_its_documented_api_domains() {
    use keyport::catalog::config_values;
    let catalog = Catalog::builtin();
    let ac = catalog.get("activecampaign").unwrap();
    let host = |value: &str| {
        let config = [("api_host".to_owned(), value.to_owned())].into();
        config_values(ac, ConnectionType::ApiKey, &config)
    };
    // https://developers.activecampaign.com/reference/authentication and .../docs/authentication
    for ok in ["123456demo.api-us1.com", "acme-co.activehosted.com"] {
        assert!(host(ok).is_ok(), "{ok}: {:?}", host(ok));
    }
    // Look-alike domains anyone could register, and hosts smuggled into the value.
    for bad in [
        "acme.api-zz9.com",
        "acme.api-us2.com",
        "acme.api-us1.com.evil.com",
        "evil.com/x.api-us1.com",
        "x@acme.api-us1.com",
        "-acme.api-us1.com",
    ] {
        let err = host(bad).unwrap_err();
        assert!(
            err.message.contains("is not a valid api host"),
            "{bad}: {err}"
        );
        assert_eq!(err.field.as_deref(), Some("api_host"), "{bad}");
    }
}

/// The keep-alive table (issue 13): each refresh-token limit as the provider's docs state it.
/// Connectors whose docs state none have no `[oauth2.keep_alive]`.
#[test]
fn keep_alive_policies_are_the_documented_ones() {
    // (connector, idle_days, lifetime_days, limited to some apps)
    let documented: &[(&str, Option<u32>, Option<u32>, bool)] = &[
        ("quickbooks", Some(100), Some(1825), false),
        ("xero", Some(60), None, false),
        ("microsoft_365", Some(90), None, false),
        ("microsoft_teams", Some(90), None, false),
        ("microsoft_dynamics_365", Some(90), None, false),
        ("power_bi", Some(90), None, false),
        ("google_workspace", Some(180), Some(7), true),
        ("jira", Some(90), Some(365), false),
        ("confluence", Some(90), Some(365), false),
        ("github", Some(184), None, false),
        ("sage", Some(31), None, false),
        ("datev", Some(730), None, false),
        ("amazon_seller_central", None, Some(365), true),
    ];
    let catalog = Catalog::builtin();
    for (id, idle, lifetime, conditional) in documented {
        let keep = catalog.get(id).unwrap().oauth2.as_ref().unwrap();
        let keep = keep.keep_alive.as_ref().expect(id);
        assert_eq!(
            (keep.idle_days, keep.lifetime_days),
            (*idle, *lifetime),
            "{id}"
        );
        assert_eq!(keep.applies_when.is_some(), *conditional, "{id}");
        assert!(keep.source.starts_with("https://"), "{id}");
    }
    let without: BTreeSet<&str> = catalog
        .connectors()
        .iter()
        .filter(|c| c.oauth2.as_ref().is_some_and(|o| o.keep_alive.is_none()))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        without,
        BTreeSet::from([
            "gitlab",
            "hubspot_crm",
            "hubspot_marketing",
            "oracle_netsuite",
            "pipedrive",
            "sage_intacct",
            "salesforce",
            "sap_successfactors",
            "shopify",
            "slack",
            "stripe",
            "workday",
            "zoho_crm",
        ]),
        "a connector gained or lost its keep-alive: update this table with its doc"
    );
}

/// A custom connector's keep-alive is checked like the built-in ones, each problem naming its
/// field: a limit that says nothing, zero days, a source that is no https page.
#[test]
fn keep_alive_sections_name_the_field_at_fault() {
    use keyport::catalog::{CatalogError, CustomStore};
    let xero = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/catalog/xero.toml"))
        .unwrap()
        .replace("id = \"xero\"", "id = \"acme_books\"");
    let good = "idle_days = 60\nsource = \"https://developer.xero.com/faq/oauth2\"";
    assert!(
        xero.contains(good),
        "the fixture has the section to replace"
    );
    let cases: &[(&str, &[&str])] = &[
        (
            "source = \"https://developer.xero.com/faq/oauth2\"",
            &["oauth2.keep_alive"],
        ),
        (
            "idle_days = 0\nlifetime_days = 0\nsource = \"https://developer.xero.com/faq/oauth2\"",
            &["oauth2.keep_alive.idle_days", "oauth2.keep_alive.lifetime_days"],
        ),
        (
            "idle_days = 60\nsource = \"http://developer.xero.com/faq/oauth2\"",
            &["oauth2.keep_alive.source"],
        ),
        (
            "idle_days = 60\napplies_when = \" \"\nsource = \"https://developer.xero.com/faq/oauth2\"",
            &["oauth2.keep_alive.applies_when"],
        ),
        ("idle_days = 60", &["oauth2.keep_alive"]),
        (
            "idle_days = -1\nsource = \"https://developer.xero.com/faq/oauth2\"",
            &["oauth2.keep_alive.idle_days"],
        ),
        (
            "idle_days = 60\nweeks = 2\nsource = \"https://developer.xero.com/faq/oauth2\"",
            &["oauth2.keep_alive.weeks"],
        ),
    ];
    let catalog = Catalog::builtin();
    for (section, fields) in cases {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("acme_books.toml");
        std::fs::write(&file, xero.replace(good, section)).unwrap();
        let store = CustomStore::new(&dir.path().join("data"));
        let Err(CatalogError::Invalid { problems }) = store.add(&catalog, &file) else {
            panic!("accepted: {section}");
        };
        let named: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for field in *fields {
            assert!(named.contains(field), "{section}: {named:?}");
        }
        assert!(problems.iter().all(|p| p.line.is_some()), "{problems:?}");
    }
    // The documented section itself is accepted.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acme_books.toml");
    std::fs::write(&file, &xero).unwrap();
    let added = CustomStore::new(&dir.path().join("data"))
        .add(&catalog, &file)
        .unwrap();
    assert_eq!(
        added.oauth2.unwrap().keep_alive.unwrap().idle_days,
        Some(60)
    );
}
