"""Read a page's form as a browser would submit it (for view tests)."""

from html import unescape
from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form = None
        self._select = None  # (name, multiple, options, chosen)
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = []
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in {"submit", "button", "file"}:
            kind = a.get("type", "text")
            if kind in {"radio", "checkbox"}:
                if "checked" in a:
                    self._form.append((a["name"], a.get("value", "on")))
            else:
                self._form.append((a["name"], unescape(a.get("value", ""))))
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "select":
            self._select = [a.get("name"), "multiple" in a, [], []]
        elif tag == "option" and self._select is not None:
            self._option = a.get("value", "")
            self._select[2].append(self._option)
            if "selected" in a:
                self._select[3].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            self._form.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple, options, chosen = self._select
            if not chosen and not multiple and options:
                chosen = options[:1]
            self._form.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def form_data(html: str, *, containing: str = "version") -> dict:
    """The first POST form on the page with a field named ``containing``,
    as a dict of name -> value (lists for repeated names)."""
    parser = _FormParser()
    parser.feed(html)
    for fields in parser.forms:
        if any(name == containing for name, _ in fields):
            data: dict = {}
            for name, value in fields:
                if name in data:
                    data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
                else:
                    data[name] = value
            data.pop("csrfmiddlewaretoken", None)
            return data
    raise AssertionError(f"No form with a {containing!r} field on the page")
