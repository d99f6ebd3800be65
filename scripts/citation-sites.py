#!/usr/bin/env python3
"""Writes one small site per bibliography file and citation style, each citing every key of
the file, for comparing two glia binaries with scripts/same-output.sh on real reference data.

    scripts/citation-sites.py OUT BIBLIOGRAPHY...

Prints the site roots, one a line. The sites are shaped like tests/realworld.rs's: a home
page, an articles section, one article citing each key in its own paragraph, the file in
content/references/.
"""

import json
import re
import sys
from pathlib import Path

STYLES = ["vancouver", "ama", "apa"]


def keys(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    ext = path.suffix.lower()
    if ext in (".bib", ".bibtex"):
        found = re.findall(r"^\s*@(\w+)\s*[{(]\s*([^,\s]+)\s*,", text, re.M)
        return [k for kind, k in found if kind.lower() not in ("comment", "string", "preamble")]
    if ext == ".json":
        data = json.loads(text)
        items = data["items"] if isinstance(data, dict) else data
        return [str(i["id"]) for i in items if "id" in i]
    return re.findall(r"^\s*-?\s*id:\s*['\"]?([^'\"\s#]+)", text, re.M)


def main() -> None:
    out = Path(sys.argv[1])
    for n, bib in enumerate(Path(p) for p in sys.argv[2:]):
        cited = keys(bib)
        for style in STYLES:
            root = out / f"{n}-{bib.stem}-{style}"
            (root / "content/articles").mkdir(parents=True, exist_ok=True)
            (root / "content/references").mkdir(parents=True, exist_ok=True)
            (root / "site.yaml").write_text(
                "title: Test Site\ndescription: A fixture site\n"
                f"base_url: https://example.org/\ncitation_style: {style}\n"
            )
            (root / "content/_index.md").write_text("---\ntitle: Home\n---\nWelcome.\n")
            (root / "content/articles/_index.md").write_text(
                "---\ntitle: Articles\n---\nAll articles.\n"
            )
            body = "".join(f"[@{k}]\n\n" for k in cited)
            (root / "content/articles/all.md").write_text(
                f"---\ntitle: All references\n---\n{body}"
            )
            (root / "content/references" / bib.name).write_bytes(bib.read_bytes())
            print(root)


if __name__ == "__main__":
    main()
