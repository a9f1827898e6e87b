"""The Marketplace: 50 cards, the Databases filter, search, and a card's detail sheet with its
setup instructions. No vault is needed to browse."""


def card_ids(window):
    return [c.get_dom_attribute("data-connector-id") for c in window.all('[data-testid="connector-card"]')]


def test_the_marketplace_shows_every_connector(window):
    cards = window.wait('[data-testid="connector-card"]', lambda els: len(els) >= 50, what="50 connector cards")
    assert len(cards) == 50, "the Marketplace shows 50 cards"
    headings = window.all("main h1")
    assert headings and headings[0].text == "Marketplace", "the page heading reads Marketplace"
    window.screenshot("e2e-marketplace.png")


def test_the_window_paints_the_first_look_then_the_live_page_replaces_it(window):
    # The page as the shell serves it: the Marketplace already rendered, inert, with its cards as
    # JSON for the live page, so the window paints the cards before the wasm has run.
    served = window.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/index.html').then(r => r.text()).then(done, e => done('failed: ' + e));")
    head, _, look = served.partition('<div id="first-look" inert>')
    assert look, "the served page starts its body with the first look"
    assert "<body>" in head and "<div" not in head.split("<body>")[1], "the first look opens the body"
    markup, _, cards = look.partition('<script type="application/json" id="keyport-cards">')
    assert markup.count('data-testid="connector-card"') == 50, "the first look shows the 50 cards"
    assert cards.count('"id":') >= 50, "the cards come with it as JSON"
    # The live page took its place: no second copy of any element, and it answers input.
    assert window.js("return document.getElementById('first-look');") is None, "the first look is gone"
    assert window.js("return document.querySelectorAll('#search').length;") == 1, "one search field"
    assert window.js("return document.getElementById('app').hidden;") is False, "the live page shows"


def test_the_databases_filter(window):
    window.wait('[data-testid="category-chips"] [data-category="databases"]')[0].click()
    dbs = window.wait('[data-testid="connector-card"]', lambda els: len(els) == 5, what="5 database cards")
    assert len(dbs) == 5, "the Databases filter shows 5 cards"
    assert {"postgresql", "mysql", "mongodb", "redis", "elasticsearch"} == set(card_ids(window)), \
        "they are the five databases"
    window.screenshot("e2e-databases.png")
    window.click('[data-testid="category-chips"] [data-category="all"]')
    window.wait('[data-testid="connector-card"]', lambda els: len(els) == 50, what="all cards again")


def test_search(window):
    window.find('[data-testid="search"]').send_keys("sales")
    found = window.wait('[data-testid="connector-card"]', lambda els: 0 < len(els) < 50, what="search results")
    assert "salesforce" in card_ids(window), f'searching "sales" shows Salesforce ({len(found)} results)'
    window.screenshot("e2e-search-sales.png")


def test_a_card_opens_its_setup_instructions(window, keyport):
    expected = keyport.catalog_entry("salesforce")
    window.click('[data-testid="connector-card"][data-connector-id="salesforce"]')
    steps = window.wait('[data-testid="connector-sheet"] [data-testid="setup-steps"] li',
                        what="setup steps in the sheet")
    assert len(steps) == len(expected["setup_instructions"]), f"the sheet lists all {len(steps)} setup steps"
    prefix = expected["setup_instructions"][0][:40]
    # The sheet slides in over 200 ms: read the text once it is laid out.
    steps = window.wait('[data-testid="setup-steps"] li', lambda els: bool(els) and prefix in els[0].text,
                        what="the first step's text")
    assert prefix in steps[0].text, "the first step is the catalog's own text"
    sheet = window.find('[data-testid="connector-sheet"]')
    assert sheet.get_dom_attribute("role") == "dialog", "the sheet is a dialog"
    window.screenshot("e2e-sheet-salesforce.png")
    window.close_sheet()
