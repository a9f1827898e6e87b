"""The connection wizard's shape: a connector with two types (Snowflake: service account and API
key) shows the type chooser and the step line, each type its own fields, and Esc closes it with
focus back on Connect; a Google key file is given by its path: a cut-off one is refused at the
field with its code, a good one shows its service account and project, and its private key never
reaches the page or an IPC answer."""

import json

import pytest
from selenium.webdriver.common.keys import Keys

# A dummy private key for the good key file: the core reads the file, the page must never see it.
GCP_PRIVATE_KEY = ("-----BEGIN PRIVATE KEY-----\n"
                   "MIIE_E2E_GCP_DUMMY_PRIVATE_KEY_BODY_5b9e0c\n"
                   "-----END PRIVATE KEY-----\n")
REFUSED = '[data-testid="field-refused"][data-field="key_file"]'


@pytest.fixture(scope="module")
def window(launch, vault):
    """Unlocked before the first Connect, so Esc is tried on a dialog opened over the sheet."""
    window = launch()
    window.unlock()
    return window


@pytest.fixture(scope="module")
def key_files(data_dir):
    """A cut-off Google key file and a good one."""
    broken = data_dir / "cut-off.json"
    broken.write_text('{"type": "service_account", "project_id": "e2e"')
    good = data_dir / "keyport-e2e.json"
    good.write_text(json.dumps({"type": "service_account", "project_id": "keyport-e2e",
                                "private_key_id": "e2e", "private_key": GCP_PRIVATE_KEY,
                                "client_email": "keyport-e2e@keyport-e2e.iam.gserviceaccount.com",
                                "token_uri": "https://oauth2.googleapis.com/token"}))
    return str(broken), str(good)


def test_the_type_chooser_and_the_step_line(window):
    window.open_connect_dialog("snowflake")
    chooser = window.wait('[data-testid="type-choice"]', what="the type chooser")
    radios = window.all('[data-testid="type-choice"] input[type="radio"]')
    assert [r.get_dom_attribute("value") for r in radios] == ["service_account", "api_key"], \
        "Snowflake offers a service account and an API key, in its own order"
    assert window.js("return arguments[0].checked;", radios[0]), "the first type is chosen"
    assert "Private key" in window.content(chooser[0]), "each choice names what it asks for"
    steps = window.all('[data-testid="connect-dialog"] [data-testid="wizard-steps"]')
    assert steps and "Step 2 of 4" in window.content(steps[0]), \
        f"two types: the step line reads Step 2 of 4 ({window.content(steps[0]) if steps else None!r})"
    current = window.all('[data-testid="wizard-steps"] [aria-current="step"]')
    assert len(current) == 1 and window.content(current[0]).strip() == "Details", \
        "the current step, Details, is aria-current"
    assert [window.content(li).strip() for li in window.all('[data-testid="wizard-steps"] li')] \
        == ["Type", "Details", "Verify", "Done"], "the steps are Type, Details, Verify, Done"
    key = window.field("key_file")
    assert window.js("return arguments[0].tagName + ':' + arguments[0].type;", key) == "INPUT:text", \
        "the private key is asked for as a key file's path, not pasted"
    label = window.all('[data-testid="connect-dialog"] label[for="field-key_file"]')
    assert label and window.content(label[0]).startswith("Key file"), "labelled Key file"
    assert "rsa_key.p8" in window.content(window.find('[data-field="key_file"] .field-help')), \
        "the help under it is the field's own"
    assert window.all('[data-field="key_file"] [data-testid="key-file-choose"]'), \
        "with Choose file… beside it for the system's file chooser"
    assert window.all('[data-testid="field-account"]') and window.all('[data-testid="field-user"]'), \
        "the account and user settings come with it"
    window.dialog_a11y()
    window.screenshot("e2e-wizard-type-chooser.png")


def test_another_type_replaces_the_fields_and_esc_closes(window):
    window.click('[data-testid="type-api_key"]')
    window.wait('[data-testid="connect-dialog"] [data-testid="field-secret"]', what="the API key form")
    assert not window.all('[data-testid="field-key_file"]'), "another type replaces the fields"
    assert window.find('[data-testid="connect-dialog"] .dialog-subtitle').text == "API key", \
        "the subtitle names the chosen type"
    window.key(Keys.ESCAPE)
    window.wait_gone('[data-testid="connect-dialog"]', what="Esc to close the wizard")
    opener = window.wait('[data-testid="connector-sheet"] [data-testid="connect-button"]',
                         lambda els: bool(els) and window.has_focus(els[0]),
                         timeout=5, what="focus back on the sheet's Connect button")
    assert opener, "focus returns to the sheet's Connect button"
    window.close_sheet()


def test_a_cut_off_key_file_is_refused_at_its_field(window, key_files, scenario):
    broken, _ = key_files
    scenario.before = before = len(window.ipc_log())
    window.open_connect_dialog("gcp")
    assert not window.all('[data-testid="type-choice"]'), "one type: no chooser"
    steps = window.all('[data-testid="wizard-steps"]')
    assert steps and "Step 1 of 3" in window.content(steps[0]), "one type: Step 1 of 3, no Type step"
    window.set_value(window.field("key_file"), broken)
    window.key(Keys.TAB)  # the path is committed and the core reads the file
    refused = window.wait(REFUSED, timeout=30, what="the key file refusal at its field")
    assert refused[0].get_dom_attribute("data-code") == "service_account.invalid", \
        "a cut-off key file is service_account.invalid, shown at the path as soon as it is typed"
    assert "cut off" in window.content(refused[0]), "the message says what is wrong with the file"
    assert "Code: service_account.invalid" in window.content(refused[0]), "with its code"
    key = window.field("key_file")
    assert key.get_dom_attribute("aria-invalid") == "true", "the path is marked invalid"
    assert refused[0].get_dom_attribute("id") in (key.get_dom_attribute("aria-describedby") or "").split(), \
        "the refusal is the field's description"
    window.click('[data-testid="connect-submit"]')
    window.until(lambda: [e for e in window.ipc_log(before) if e["cmd"] == "connect_credential" and e.get("answer")],
                 what="connect_credential to answer")
    assert "service_account.invalid" in window.ipc_answer("connect_credential").get("code", ""), \
        "Connect with the cut-off file is refused by the core as service_account.invalid"
    refused = window.wait(REFUSED, timeout=30, what="the key file refusal after Connect")
    assert refused[0].get_dom_attribute("data-code") == "service_account.invalid", \
        "Connect sends the path and the core refuses the same file at the field"
    sent = [e for e in window.ipc_log(before) if e["cmd"] == "connect_credential"]
    args = json.loads(sent[-1]["args"]) if sent else {}
    assert args.get("keyFile") == broken and "key_json" not in args.get("secrets", {}), \
        f"connect_credential got the path as keyFile and no key_json secret ({args.get('secrets')})"
    assert window.value(window.field("key_file")) == broken, "the path is kept so it can be fixed"
    assert not window.leaks('"project_id": "e2e"'), "the file's contents are not in the page"
    window.screenshot("e2e-wizard-key-file-invalid.png")


def test_a_good_key_file_says_what_it_is(window, key_files, scenario):
    _, good = key_files
    window.set_value(window.field("key_file"), good)
    window.key(Keys.TAB)
    facts = window.wait('[data-field="key_file"] [data-testid="key-facts"]', timeout=30,
                        what="what the good key file says about itself")
    text = window.content(facts[0])
    assert "keyport-e2e@keyport-e2e.iam.gserviceaccount.com" in text and "Service account" in text, \
        f"the facts name the service account ({text!r})"
    assert "Project" in text and "keyport-e2e" in text, "and the project"
    assert not window.all(REFUSED), "the older refusal is gone once a good file is read"
    assert window.field("key_file").get_dom_attribute("aria-invalid") is None, "the path is no longer marked invalid"
    described = window.field("key_file").get_dom_attribute("aria-describedby") or ""
    assert "field-key_file-note" in described.split(), "the facts describe the field"
    window.dialog_a11y()
    window.screenshot("e2e-wizard-key-file-facts.png")
    marker = GCP_PRIVATE_KEY.splitlines()[1]
    assert not window.leaks(marker), "the private key is nowhere in the page or web storage"
    window.no_answer_holds(scenario.before, (marker, "BEGIN PRIVATE KEY"), {"key_file_describe", "connect_credential"},
                           "the key file's private key")
    assert not [e for e in window.ipc_log(scenario.before) if marker in (e.get("args") or "")], \
        "and no call the page made carried it: only the path crossed"
    window.click('[data-testid="connect-dialog"] button[aria-label="Close"]')
    window.wait_gone('[data-testid="connect-dialog"]', what="Close to close the wizard")
    window.close_sheet()
