// Progressive enhancement only: every page works without JavaScript.

// The width from which the header shows every link and filter panels sit in a side column; the
// same breakpoint as gcmhub.css (48rem).
const WIDE = window.matchMedia("(min-width: 48rem)");

// Move focus to content swapped in by htmx so keyboard and screen-reader users land on it.
document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target.querySelector("[data-focus-after-swap]") || null;
    if (target) {
        target.setAttribute("tabindex", "-1");
        target.focus();
    }
});
// Send the CSRF token with htmx requests.
document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
        event.detail.headers["X-CSRFToken"] = token.value;
    }
});

// The header's menu button (phones): a disclosure for the account and main navigations.
// Escape closes it from anywhere inside and gives the focus back to the button.
function setUpMenu() {
    const button = document.querySelector("[data-menu-toggle]");
    if (!button) {
        return;
    }
    const header = button.closest("header");
    const controlled = button
        .getAttribute("aria-controls")
        .split(/\s+/)
        .map((id) => document.getElementById(id))
        .filter(Boolean);
    const setOpen = (open) => {
        header.classList.toggle("site-header--open", open);
        button.setAttribute("aria-expanded", String(open));
    };
    button.hidden = false;
    header.classList.add("site-header--menu");
    setOpen(false);
    button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
    header.addEventListener("keydown", (event) => {
        if (event.key !== "Escape" || WIDE.matches || button.getAttribute("aria-expanded") !== "true") {
            return;
        }
        const inside = event.target === button || controlled.some((element) => element.contains(event.target));
        if (inside) {
            setOpen(false);
            button.focus();
        }
    });
}

// Filter panels (<details class="filter-panel">, after the results in the source): open in a side
// column on wide screens, closed on narrow ones so the results come first. A panel that shows a
// problem with the filters stays open.
function setUpFilterPanels() {
    const panels = [...document.querySelectorAll("details.filter-panel")];
    const place = () => {
        for (const panel of panels) {
            const hasProblem = panel.querySelector(".error-summary, [aria-invalid=true]");
            panel.open = WIDE.matches || Boolean(hasProblem);
        }
    };
    place();
    WIDE.addEventListener("change", place);
    // "Filters" links above the results (phones) open the panel and move to its toggle.
    document.addEventListener("click", (event) => {
        const link = event.target.closest("a[href^='#']");
        const panel = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!panel || !panel.matches("details.filter-panel")) {
            return;
        }
        event.preventDefault();
        panel.open = true;
        const toggle = panel.querySelector("summary");
        toggle.focus();
        toggle.scrollIntoView({ block: "start" });
    });
}

// A wide table scrolls sideways inside its .table-wrap on a narrow screen. While it does, the
// wrapper takes the keyboard focus (so the arrow keys scroll it) and is a region named by the
// table's caption; wrappers that already carry a tabindex are left as their template made them.
function setUpScrollingTables() {
    const wraps = [...document.querySelectorAll(".table-wrap:not([tabindex])")];
    if (!wraps.length) {
        return;
    }
    const strings = JSON.parse(document.getElementById("gcmhub-ui-strings")?.textContent || "{}");
    const update = () => {
        for (const wrap of wraps) {
            const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
            if (scrolls === wrap.hasAttribute("data-scrolls")) {
                continue;
            }
            if (scrolls) {
                const caption = wrap.querySelector("caption");
                if (caption) {
                    caption.id ||= `table-caption-${wraps.indexOf(wrap) + 1}`;
                    wrap.setAttribute("aria-labelledby", caption.id);
                } else {
                    wrap.setAttribute("aria-label", strings.scrollingTable || "Table");
                }
                wrap.setAttribute("role", "region");
                wrap.tabIndex = 0;
                wrap.setAttribute("data-scrolls", "");
            } else {
                for (const name of ["aria-labelledby", "aria-label", "role", "tabindex", "data-scrolls"]) {
                    wrap.removeAttribute(name);
                }
            }
        }
    };
    update();
    window.addEventListener("resize", update);
}

setUpMenu();
setUpFilterPanels();
setUpScrollingTables();
