"""The service-account wizard against a stand-in Microsoft Entra + Azure Resource Manager on
127.0.0.1: a wrong client secret refused, the right one checked and stored, and Open connection
landing on the new row. Neither secret nor the issued token reaches the page or an IPC answer."""

import pytest

from support.standins import Azure

IDENT = "standin_azure"


@pytest.fixture(scope="module")
def azure(keyport):
    with Azure() as standin:
        keyport.add_connector(IDENT, standin.connector(IDENT, "Stand-in Azure"))
        yield standin


@pytest.fixture(scope="module")
def window(launch, vault, azure):
    return launch()


def test_a_wrong_client_secret_is_refused(window, azure):
    window.open_connect_dialog(IDENT)
    assert not window.all('[data-testid="type-choice"]'), "Azure has one type: no chooser"
    window.set_value(window.field("tenant"), Azure.TENANT)
    window.set_value(window.field("client_id"), Azure.CLIENT)
    secret = window.field("client_secret")
    assert secret.get_dom_attribute("type") == "password", "the client secret is a password field"
    secret.send_keys(Azure.WRONG_SECRET)
    window.dialog_a11y()
    window.screenshot("e2e-wizard-service-account.png")
    window.click('[data-testid="connect-submit"]')
    shown = window.wait('[data-testid="connect-dialog"] [data-testid="form-error"]', timeout=30,
                        what="the refusal of the wrong secret")
    code = shown[0].get_dom_attribute("data-code")
    assert code == "service_account.rejected", f"a wrong client secret is service_account.rejected ({code})"
    text = window.content(shown[0])
    assert "invalid client" in text.lower() or "invalid_client" in text.lower(), \
        f"the message says the client was refused ({text!r})"
    assert azure.grants == ["invalid_client"], f"Entra was asked once and refused ({azure.grants})"
    assert not azure.checks, "no check call without a token"
    assert window.value(window.field("client_secret")) == Azure.WRONG_SECRET, \
        "the secret stays in its field to be corrected (tenant or client ID may be what is wrong)"
    assert window.value(window.field("tenant")) == Azure.TENANT, "the settings are kept"
    assert not window.leaks(Azure.WRONG_SECRET), "the wrong secret is nowhere in the page"
    window.screenshot("e2e-wizard-service-account-error.png")


def test_the_right_secret_is_checked_then_stored(window, azure, scenario):
    window.set_value(window.field("client_secret"), Azure.SECRET)
    window.click('[data-testid="connect-submit"]')
    busy = window.wait('[data-testid="connect-submit"]',
                       lambda els: bool(els) and "Checking with Stand-in Azure" in els[0].text,
                       timeout=10, what="the busy label while Entra answers")
    assert busy, "the button says Checking with Stand-in Azure… while the core checks"
    steps = window.all('[data-testid="wizard-steps"]')
    assert steps and steps[0].get_dom_attribute("data-step") == "verify" \
        and "Step 2 of 3" in window.content(steps[0]), "meanwhile the step line reads Step 2 of 3, Verify"
    assert window.field("client_secret").get_dom_attribute("disabled") is not None, "the fields are disabled meanwhile"
    done = window.wait('[data-testid="connect-done"]', timeout=30, what="Done after the right secret")
    assert "checked with stand-in azure" in done[0].text.lower(), f"Done says it was checked ({done[0].text!r})"
    title = window.content(window.find('[data-testid="connect-done"] h2'))
    assert title.startswith("Stand-in Azure connected as ") and Azure.TENANT in title, \
        f"the title names the account, here the tenant ({title!r})"
    steps = window.all('[data-testid="wizard-steps"]')
    current = window.all('[data-testid="wizard-steps"] [aria-current="step"]')
    assert steps and "Step 3 of 3" in window.content(steps[0]) \
        and [window.content(c).strip() for c in current] == ["Done"], \
        "the step line reads Step 3 of 3 with Done current"
    scenario.view = view = window.ipc_answer("connect_credential")
    assert view.get("verified") is True and view.get("connection_type") == "service_account", \
        "a checked service-account connection was stored"
    assert azure.grants == ["invalid_client", "ok"] and azure.checks == [True], \
        f"a token was issued and the subscription list called with it ({azure.grants}, {azure.checks})"
    assert not window.leaks(Azure.SECRET), "the client secret is nowhere in the page once stored"
    assert not any(window.leaks(t) for t in azure.issued), "nor is the access token"
    window.screenshot("e2e-wizard-service-account-done.png")
    window.no_answer_holds(0, (Azure.SECRET, Azure.WRONG_SECRET, *azure.issued), {"connect_credential"},
                           "the client secret or the token")


def test_open_connection_lands_on_the_new_row(window, scenario):
    window.click('[data-testid="open-connection"]')
    row_css = f'[data-testid="connection-row"][data-connection-id="{scenario.view["id"]}"]'
    window.wait(row_css, what="the Azure row")
    focused = window.wait(row_css, lambda els: bool(els) and window.has_focus(els[0]), timeout=5,
                          what="focus on the new connection's row")
    assert focused, "Open connection shows the Connections page with the new row focused"
    window.screenshot("e2e-wizard-open-connection.png")
