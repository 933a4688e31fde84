#!/usr/bin/env python3
"""Dead relative links in the repository's Markdown: `make test` runs this (tests/test_docs_links.py).

For every tracked `*.md` file (`git ls-files`), every relative link and image — `[text](path)`,
`![alt](path)`, `[text](path#anchor)`, `[text](#anchor)` and reference definitions
`[name]: path` — must name a file or folder that exists, and an anchor must match a heading of
the target Markdown file by GitHub's rules (lowercase; punctuation other than `-` and `_`
dropped; spaces become `-`; a repeated heading gets `-1`, `-2`, …). Links with a scheme
(`http:`, `https:`, `mailto:` …) are not checked, nor anything inside code spans or fenced code.

Prints each dead link as `file:line: target` and exits 1 if there is any, 0 otherwise.
Usage: python scripts/check_links.py [ROOT]   (ROOT: the repository, by default this script's)
"""
import os
import re
import subprocess
import sys
import unicodedata
from urllib.parse import unquote

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# [text](target) and ![alt](target): the text may hold one level of brackets (an image in a link).
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
                         r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
HTML_LINK = re.compile(r"<(?:a|img)\b[^>]*?\s(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.I)
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
HTML_ANCHOR = re.compile(r"<a\s[^>]*?(?:name|id)\s*=\s*[\"']([^\"']+)[\"']", re.I)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def tracked_markdown(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--", "*.md", "*.MD", "*.markdown"],
                         check=True, capture_output=True).stdout.decode()
    return sorted(path for path in out.split("\0") if path)


def prose_lines(text):
    """(line number, line) for each line outside fenced code blocks, code spans blanked."""
    fence, previous, in_code, in_list = None, "", False, False
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            continue
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                fence = None
            continue
        indented = line.startswith(("    ", "\t")) and line.strip()
        if indented and (in_code or not previous.strip()) and not in_list:
            in_code = True  # an indented code block: after a blank line, outside a list
            previous = line
            continue
        in_code = in_code and not line.strip() == "" and indented
        if re.match(r"^ {0,3}([-*+]|\d+[.)])[ \t]", line):
            in_list = True
        elif line.strip() and not line.startswith((" ", "\t")):
            in_list = False
        previous = line
        yield number, INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)


def slug(heading):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"<[^>]+>", "", heading)                      # inline HTML
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)      # links and images: their text
    text = text.replace("`", "")
    text = unicodedata.normalize("NFC", text).lower()
    text = "".join(ch for ch in text
                   if ch in "-_ " or unicodedata.category(ch)[0] in "LNM")
    return text.replace(" ", "-")


def anchors(text):
    """Every anchor a Markdown file offers: its headings' slugs (repeats numbered) and HTML ids."""
    found, seen = set(), {}
    previous = None
    fence = None
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence, previous = match.group(1), None
            continue
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        heading = None
        atx = ATX_HEADING.match(line)
        if atx:
            heading = atx.group(2) or ""
        elif SETEXT_UNDERLINE.match(line) and previous and previous.strip() \
                and not previous.startswith(("    ", "\t", "|", "-", "*", ">")):
            heading = previous.strip()
        if heading is not None:
            base = slug(heading.strip())
            count = seen.get(base, 0)
            found.add(base if count == 0 else f"{base}-{count}")
            seen[base] = count + 1
        found.update(HTML_ANCHOR.findall(line))
        previous = line
    return found


def targets(line):
    for pattern in (INLINE_LINK, REFERENCE_DEF, HTML_LINK):
        for match in pattern.finditer(line):
            target = match.group(1).strip()
            if target.startswith("<") and target.endswith(">"):
                target = target[1:-1]
            yield target


def dead_links(root):
    anchor_cache = {}

    def anchors_of(path):
        if path not in anchor_cache:
            with open(path, encoding="utf-8") as f:
                anchor_cache[path] = anchors(f.read())
        return anchor_cache[path]

    for name in tracked_markdown(root):
        source = os.path.join(root, name)
        if not os.path.isfile(source):  # deleted in the working tree, not yet committed
            continue
        with open(source, encoding="utf-8") as f:
            text = f.read()
        for number, line in prose_lines(text):
            for target in targets(line):
                if not target or SCHEME.match(target) or target.startswith("//"):
                    continue
                path_part, _, anchor = target.partition("#")
                path_part = unquote(path_part.split("?", 1)[0])
                if path_part:
                    if path_part.startswith("/"):
                        resolved = os.path.join(root, path_part.lstrip("/"))
                    else:
                        resolved = os.path.join(os.path.dirname(source), path_part)
                    resolved = os.path.normpath(resolved)
                    if not os.path.exists(resolved):
                        yield name, number, target
                        continue
                else:
                    resolved = source
                if anchor and os.path.isfile(resolved) \
                        and resolved.lower().endswith((".md", ".markdown")) \
                        and unquote(anchor).lower() not in anchors_of(resolved):
                    yield name, number, target


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
    dead = list(dead_links(root))
    for name, number, target in dead:
        print(f"{name}:{number}: {target}")
    return 1 if dead else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
