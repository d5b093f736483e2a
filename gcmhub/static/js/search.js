// The search page (issue 10), as progressive enhancement: without JavaScript the form works as it is.
//
// 1. Suggestions while typing. The search box (an <input> marked `data-suggest="<url>"`) becomes an
//    editable combobox with a listbox popup, list autocomplete and manual selection (WAI-ARIA 1.2,
//    https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): after a pause in typing, the server's
//    suggestions (gcmhub.search.views.suggestions: names of organisations, countries and GCM
//    objectives, titles of documents) show below the box; Down and Up move through them (the focus
//    stays in the box, aria-activedescendant names the option), Enter opens the one chosen (a
//    document's page, or the search filtered on a name), Escape closes the list, and Enter with no
//    option chosen searches the words as typed. A polite live region says how many there are.
// 2. The results' count and the filters in use (a role=status paragraph) are read out after each
//    search, once the page has loaded.

const TYPING_PAUSE = 150; // ms without a key press before asking for suggestions
const ANNOUNCE_PAUSE = 500; // ms before announcing their number (not at every key)
const RTL = new Set(["ar", "fa", "he", "ur"]);

class Suggestions {
    constructor(input) {
        this.input = input;
        this.url = input.dataset.suggest;
        this.items = [];
        this.active = -1;
        this.asked = null; // the text the shown suggestions are for
        this.request = null;
        this.build();
    }

    build() {
        const input = this.input;
        const id = input.id;
        this.root = document.createElement("div");
        this.root.className = "search-suggest";
        input.before(this.root);
        this.root.append(input);

        this.listbox = document.createElement("ul");
        this.listbox.id = `${id}-suggestions`;
        this.listbox.className = "search-suggest__listbox";
        this.listbox.setAttribute("role", "listbox");
        this.listbox.setAttribute("aria-label", input.dataset.suggestLabel || "Suggestions");
        this.listbox.hidden = true;

        const help = document.createElement("span");
        help.id = `${id}-suggest-help`;
        help.className = "visually-hidden";
        help.textContent = input.dataset.suggestHelp || "";

        this.status = document.createElement("span");
        this.status.className = "visually-hidden";
        this.status.setAttribute("role", "status");
        this.status.setAttribute("aria-live", "polite");

        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", this.listbox.id);
        input.setAttribute("autocomplete", "off");
        const describedBy = input.getAttribute("aria-describedby");
        input.setAttribute("aria-describedby", [describedBy, help.id].filter(Boolean).join(" "));
        this.root.append(this.listbox, help, this.status);

        input.addEventListener("input", () => this.schedule());
        input.addEventListener("keydown", (event) => this.onKeyDown(event));
        input.addEventListener("click", () => {
            if (this.items.length && this.asked === this.text()) {
                this.open();
            }
        });
        this.listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the box
        this.listbox.addEventListener("click", (event) => {
            const item = event.target.closest("[role=option]");
            if (item) {
                this.choose(this.items.indexOf(item));
            }
        });
        this.root.addEventListener("focusout", (event) => {
            if (!this.root.contains(event.relatedTarget)) {
                this.close();
            }
        });
    }

    text() {
        return this.input.value.trim();
    }

    schedule() {
        clearTimeout(this.typingTimer);
        this.typingTimer = setTimeout(() => this.fetch(), TYPING_PAUSE);
    }

    async fetch() {
        const text = this.text();
        if (!text) {
            this.request?.abort();
            this.show([]);
            this.asked = "";
            return;
        }
        if (text === this.asked) {
            if (this.items.length) {
                this.open();
            }
            return;
        }
        this.request?.abort();
        const request = new AbortController();
        this.request = request;
        let data;
        try {
            const response = await fetch(`${this.url}?q=${encodeURIComponent(text)}`, {
                headers: { Accept: "application/json" },
                signal: request.signal,
            });
            if (!response.ok) {
                return;
            }
            data = await response.json();
        } catch {
            return; // aborted by a newer key press, or offline: the box still searches
        }
        if (request !== this.request || text !== this.text()) {
            return; // the words changed meanwhile
        }
        this.asked = text;
        this.show(data.suggestions || []);
        this.announce(data.status || "");
    }

    show(suggestions) {
        this.listbox.replaceChildren();
        this.items = suggestions.map((suggestion, index) => {
            const item = document.createElement("li");
            item.id = `${this.listbox.id}-${index}`;
            item.className = "search-suggest__option";
            item.setAttribute("role", "option");
            item.setAttribute("aria-selected", "false");
            item.dataset.url = suggestion.url;
            const label = document.createElement("span");
            label.className = "search-suggest__label";
            label.textContent = suggestion.label;
            if (suggestion.lang) {
                label.lang = suggestion.lang;
                label.dir = RTL.has(suggestion.lang) ? "rtl" : "ltr";
            }
            const separator = document.createElement("span");
            separator.className = "visually-hidden";
            separator.textContent = ", ";
            const kind = document.createElement("span");
            kind.className = `search-suggest__kind search-suggest__kind--${suggestion.document ? "document" : "name"}`;
            kind.textContent = suggestion.kind_label;
            item.append(label, separator, kind);
            this.listbox.append(item);
            return item;
        });
        this.setActive(-1);
        if (this.items.length && document.activeElement === this.input) {
            this.open();
        } else {
            this.close();
        }
    }

    announce(message) {
        clearTimeout(this.announceTimer);
        this.announceTimer = setTimeout(() => {
            // Cleared first: the same message twice in a row is read twice.
            this.status.textContent = "";
            setTimeout(() => {
                this.status.textContent = message;
            }, 50);
        }, ANNOUNCE_PAUSE);
    }

    isOpen() {
        return !this.listbox.hidden;
    }

    open() {
        this.listbox.hidden = false;
        this.input.setAttribute("aria-expanded", "true");
    }

    close() {
        this.listbox.hidden = true;
        this.input.setAttribute("aria-expanded", "false");
        this.setActive(-1);
    }

    setActive(index) {
        this.items[this.active]?.classList.remove("search-suggest__option--active");
        this.items[this.active]?.setAttribute("aria-selected", "false");
        this.active = index;
        const item = this.items[index];
        if (item) {
            item.classList.add("search-suggest__option--active");
            item.setAttribute("aria-selected", "true");
            this.input.setAttribute("aria-activedescendant", item.id);
            item.scrollIntoView({ block: "nearest" });
        } else {
            this.input.removeAttribute("aria-activedescendant");
        }
    }

    move(step) {
        if (!this.isOpen()) {
            if (!this.items.length || this.asked !== this.text()) {
                clearTimeout(this.typingTimer);
                this.fetch(); // ask now rather than after the pause
                return;
            }
            this.open();
        }
        const count = this.items.length;
        if (!count) {
            return;
        }
        const next = this.active < 0 ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count;
        this.setActive(next);
    }

    choose(index) {
        const item = this.items[index];
        if (!item) {
            return;
        }
        this.close();
        window.location.assign(item.dataset.url);
    }

    onKeyDown(event) {
        switch (event.key) {
            case "ArrowDown":
                event.preventDefault();
                if (event.altKey) {
                    if (this.items.length && this.asked === this.text()) {
                        this.open();
                    }
                    return;
                }
                this.move(1);
                break;
            case "ArrowUp":
                event.preventDefault();
                if (event.altKey) {
                    this.close();
                    return;
                }
                this.move(-1);
                break;
            case "Enter":
                if (this.isOpen() && this.active >= 0) {
                    event.preventDefault();
                    this.choose(this.active);
                } else {
                    clearTimeout(this.typingTimer);
                    this.close(); // the form searches the words as typed
                }
                break;
            case "Escape":
                if (this.isOpen()) {
                    event.preventDefault(); // keep the words (a search box clears itself on Escape)
                    this.close();
                }
                break;
            case "Tab":
                this.close();
                break;
            default:
        }
    }
}

function announceResults() {
    const status = document.querySelector("[data-search-status]");
    if (!status || !window.location.search) {
        return;
    }
    // A live region is read out when it changes, not when the page loads with it. Once the page has
    // loaded, an invisible character is added: the region (atomic) is read out whole, and what it
    // shows does not move.
    setTimeout(() => status.append(document.createTextNode("\u200b")), 500);
}

for (const input of document.querySelectorAll("input[data-suggest]")) {
    new Suggestions(input);
}
announceResults();
