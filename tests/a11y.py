"""Accessibility checks for Playwright pages: axe-core (vendored under tests/vendor/axe-core/),
and WCAG contrast for the text inside Stripe's frames, which axe cannot read (cross-origin)."""
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        iframes: false,  // Stripe's frames are cross-origin: see contrast_inside() for them
        resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
    }));
}"""


def axe_violations(page, tags=WCAG_AA):
    """axe-core's WCAG 2.x A/AA violations on the page as it is now ([] when it passes).
    The test's browser context needs bypass_csp, since the page's CSP forbids injected scripts."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=AXE)
    return page.evaluate(RUN, tags)


def _channel(value):
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb):
    r, g, b = (_channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background):
    """WCAG contrast ratio of two opaque "rgb(r, g, b)" colours."""
    lighter, darker = sorted((luminance(_rgb(foreground)), luminance(_rgb(background))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _rgb(css):
    inside = css[css.index("(") + 1 : css.index(")")]
    parts = [float(p) for p in inside.replace("/", ",").replace(" ", ",").split(",") if p]
    if len(parts) == 4 and parts[3] < 1:
        raise ValueError(f"{css} is translucent: compose it over its background first")
    return parts[:3]


BACKGROUND = """e => {
    for (let node = e; node; node = node.parentElement) {
        const color = getComputedStyle(node).backgroundColor;
        if (!/rgba\\(.*, 0\\)$|transparent/.test(color)) return color;
    }
    return 'rgb(255, 255, 255)';
}"""


def background_of(locator):
    """The first opaque background colour at or above an element of the host page."""
    return locator.evaluate(BACKGROUND)
