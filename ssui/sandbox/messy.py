"""Messy real-world account data: what strangers type into web forms.

CJK without spaces, emoji joined by zero-width joiners, skin tones and flags, right-to-left
scripts, combining accents, tabs and newlines, every control character, escape sequences that
would clear or retitle a terminal, HTML- and markup-looking text, and 150 custom fields (two of
them labelled alike). It is sent through the API like any other data (``load_messy``), so tests
and demos see it the way a real account delivers it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

Call = Callable[[str, Mapping[str, Any]], Awaitable[Any]]

CONTROLS = "".join(chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)))
CLEAR_SCREEN = "Esc\u001b[2JClear Co"
RETITLE = "Esc\u001b]0;PWNED\u0007 Co"
RED = "\u001b[31mRED"

CUSTOM_COUNT = 150
REGION = "Région"


def _lead(email: str, first: str, last: str, company: str = "", **more: Any) -> dict[str, Any]:
    return {"emailAddress": email, "firstName": first, "lastName": last,
            "companyName": company, **more}


LEADS: tuple[dict[str, Any], ...] = (
    _lead("taro@yamada.example.jp", "太郎", "山田", "株式会社山田製作所", city="東京都"),
    _lead("li@huawei.example.cn", "伟", "李", "北京华为技术有限公司", city="北京"),
    _lead("family@emoji.example", "Family", "👨‍👩‍👧", "👨‍👩‍👧 Family Co"),
    _lead("flag@emoji.example", "Flag", "Imports", "🇯🇵🇫🇷🇩🇪 Imports"),
    _lead("thumbs@emoji.example", "Thumbs", "Up", "Thumbs 👍🏽 Up Ltd"),
    _lead("rocket@emoji.example", "Rocket", "Launch 🚀", "Rocket Science 🚀"),
    _lead("shalom@rtl.example", "שלום", "כהן", "חברה בע״מ"),
    _lead("mohammed@rtl.example", "محمد", "العربي", "شركة المثال"),
    _lead("rachel@accents.example", "Rachel", "Rho\u0302ne", "Rhône-Alpes SARL",
          city="Lyon"),
    _lead("zoe@accents.example", "Zoë", "Île", "Île-de-France SA", city="Paris"),
    _lead("tab@ctrl.example", "Tab\tbed", "Tabs", "Tab\tbed\tCo"),
    _lead("lines@ctrl.example", "Line", "Breaks", "Line one\nLine two\r\nLine three"),
    _lead("clear@ctrl.example", "Clear", "Screen", CLEAR_SCREEN),
    _lead("title@ctrl.example", "Window", "Title", RETITLE),
    _lead("red@ctrl.example", RED, "Colour", "Colour Co"),
    _lead("every@ctrl.example", "Every", "Control", f"All{CONTROLS}Controls"),
    _lead("html@markup.example", "<b>Bold</b>", "&amp; Co", "<script>alert(1)</script> & Co"),
    _lead("markup@markup.example", "[b]Bold[/b]", "[@click=app.quit]Quit[/]",
          "[red]Markup[/red] Co"),
    _lead("symbols@markup.example", "Amp", "Symbols", "&&& <<>> ###"),
)


def custom_fields() -> list[dict[str, Any]]:
    """createFields objects: 150 lead fields, two of them labelled ``Région``."""
    fields = [{"relationship": "lead", "dataType": "text", "label": REGION},
              {"relationship": "lead", "dataType": "text", "label": REGION}]
    fields += [{"relationship": "lead", "dataType": "text", "label": f"Survey answer {i}"}
               for i in range(1, CUSTOM_COUNT - 1)]
    return fields


async def load_messy(call: Call) -> list[int]:
    """Create the messy fields and leads through the API ``call``; returns the new lead ids.

    ``call(method, params)`` returns the call's result, as ``SharpSpringClient.call`` does.
    """
    await call("createFields", {"objects": custom_fields()})
    rows = (await call("getFields", {"where": {}, "limit": 500}))["field"]
    names = [r["systemName"] for r in rows
             if r.get("relationship") == "lead" and str(r.get("isCustom")) == "1"]
    regions = [r["systemName"] for r in rows if r.get("label") == REGION]
    survey = next(n for n in names if n not in regions)
    first, second = regions[0], regions[1]
    leads = [dict(lead) for lead in LEADS]
    for lead in leads:
        if lead["emailAddress"].startswith("rachel@"):
            lead[first] = "Rhône-Alpes"
        if lead["emailAddress"].startswith("zoe@"):
            lead[second] = "Île-de-France"
        if lead["emailAddress"].startswith("clear@"):
            lead[survey] = RETITLE
    result = await call("createLeads", {"objects": leads})
    return [int(r["id"]) for r in result["creates"]]
