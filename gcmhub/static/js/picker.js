// Long lists made searchable, as progressive enhancement (without JavaScript they work as they are):
// <select> elements marked `data-picker` (countries, organisations, regions...) become searchable
// pickers, the <select> staying in the form, hidden, as what submits; fieldsets of checkboxes
// marked `data-filterable` get a filter box.
//
// The picker follows the WAI-ARIA APG combobox pattern (editable combobox, list autocomplete with
// automatic selection, https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): type to filter (accents,
// case and punctuation ignored; an option's `data-keywords`, "|"-separated, match too: names in
// other languages, acronyms, codes), Up/Down to move, Enter to choose (and to unchoose in a
// multiple select), Escape to close. Choices show as chips before the box, each a button named
// "Remove <label>". A polite live region announces how many options are shown and what changed.
// The combobox takes the <select>'s id, so its <label> and the error summary's links reach it.

const STRINGS = (() => {
    const element = document.getElementById("gcmhub-ui-strings");
    try {
        return element ? JSON.parse(element.textContent) : {};
    } catch {
        return {};
    }
})();

function text(key, values = {}, fallback = "") {
    const template = STRINGS[key] || fallback;
    return template.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
}

// "Côte d’Ivoire" -> "cote d ivoire": lower case, no accents, punctuation as spaces.
export function normalize(value) {
    return value
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, " ")
        .trim();
}

// 0: the label starts with the query; 1: every word typed starts a word of the label; 2: ... of a
// keyword (another name, an acronym, a code); 3: the label contains the query; -1: no match.
function rank(option, query, words) {
    if (!query) {
        return 0;
    }
    if (option.label.startsWith(query)) {
        return 0;
    }
    const starts = (haystack) => words.every((word) => haystack.some((w) => w.startsWith(word)));
    if (starts(option.labelWords)) {
        return 1;
    }
    if (starts(option.keywordWords)) {
        return 2;
    }
    if (option.label.includes(query) || option.keywords.some((keyword) => keyword.includes(query))) {
        return 3;
    }
    return -1;
}

let pickerCount = 0;

class Picker {
    constructor(select) {
        this.select = select;
        this.multiple = select.multiple;
        this.number = ++pickerCount;
        const id = select.id || `picker-${this.number}`;
        this.label = select.id ? document.querySelector(`label[for="${CSS.escape(select.id)}"]`) : null;
        this.fieldName = this.label ? this.label.textContent.replace(/\s+/g, " ").trim() : select.name;
        this.options = [...select.options]
            .filter((option) => option.value !== "")
            .map((element, index) => {
                const label = normalize(element.textContent);
                const keywords = (element.dataset.keywords || "").split("|").map(normalize).filter(Boolean);
                return {
                    element,
                    index,
                    text: element.textContent.trim(),
                    label,
                    labelWords: label.split(" "),
                    keywords,
                    keywordWords: keywords.flatMap((keyword) => keyword.split(" ")),
                    item: null,
                };
            });
        this.blank = [...select.options].find((option) => option.value === "") || null;
        this.active = null;
        this.build(id);
    }

    build(id) {
        const select = this.select;
        const describedBy = select.getAttribute("aria-describedby");
        select.id = `${id}-select`;
        select.hidden = true;
        select.setAttribute("aria-hidden", "true");
        select.tabIndex = -1;
        const required = select.required;
        select.required = false; // the server checks it; a hidden control cannot show the browser's message
        const hint = select.parentElement.querySelector(`[data-picker-hint="${CSS.escape(select.name)}"]`);
        if (hint) {
            hint.hidden = true;
        }

        this.root = document.createElement("div");
        this.root.className = "picker";

        this.chips = document.createElement("ul");
        this.chips.className = "picker__chips";
        this.chips.setAttribute("aria-label", text("pickerChosen", { field: this.fieldName }, "Chosen: %(field)s"));

        const box = document.createElement("div");
        box.className = "picker__box";
        this.input = document.createElement("input");
        this.input.type = "text";
        this.input.id = id;
        this.input.className = "picker__input";
        this.input.autocomplete = "off";
        this.input.spellcheck = false;
        this.input.setAttribute("role", "combobox");
        this.input.setAttribute("aria-autocomplete", "list");
        this.input.setAttribute("aria-expanded", "false");
        this.input.setAttribute("aria-controls", `${id}-listbox`);
        if (required) {
            this.input.setAttribute("aria-required", "true");
        }
        // A single choice that may stay empty says what empty means ("Any objective", "Not in the list").
        // (shown while nothing is chosen; see refresh).
        const blankText = this.blank ? this.blank.textContent.trim() : "";
        this.emptyText = !this.multiple && /[\p{L}\p{N}]/u.test(blankText) ? blankText : "";
        if (select.getAttribute("aria-invalid")) {
            this.input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
        }
        const help = document.createElement("span");
        help.id = `${id}-picker-help`;
        help.className = "visually-hidden";
        help.textContent = this.multiple
            ? text("pickerHelpMultiple", {}, "Type to filter the list, then press Enter to choose.")
            : text("pickerHelp", {}, "Type to filter the list, then press Enter to choose.");
        this.input.setAttribute("aria-describedby", [describedBy, help.id].filter(Boolean).join(" "));

        this.listbox = document.createElement("ul");
        this.listbox.id = `${id}-listbox`;
        this.listbox.className = "picker__listbox";
        this.listbox.setAttribute("role", "listbox");
        this.listbox.hidden = true;
        if (this.label) {
            this.label.id ||= `${id}-label`;
            this.listbox.setAttribute("aria-labelledby", this.label.id);
        } else {
            this.listbox.setAttribute("aria-label", this.fieldName);
        }
        if (this.multiple) {
            this.listbox.setAttribute("aria-multiselectable", "true");
        }
        for (const option of this.options) {
            const item = document.createElement("li");
            item.id = `${id}-option-${option.index}`;
            item.className = "picker__option";
            item.setAttribute("role", "option");
            item.textContent = option.text;
            item.dataset.index = String(option.index);
            option.item = item;
            this.listbox.append(item);
        }
        this.empty = document.createElement("li");
        this.empty.className = "picker__empty";
        this.empty.setAttribute("role", "presentation");
        this.empty.textContent = text("pickerNone", {}, "No option matches.");
        this.empty.hidden = true;
        this.listbox.append(this.empty);

        this.status = document.createElement("span");
        this.status.className = "visually-hidden";
        this.status.setAttribute("role", "status");

        box.append(this.input, this.listbox);
        this.root.append(this.chips, box, help, this.status);
        select.before(this.root);

        this.input.addEventListener("input", () => this.filter(true));
        this.input.addEventListener("keydown", (event) => this.onKeyDown(event));
        this.input.addEventListener("click", () => {
            if (this.listbox.hidden) {
                this.open();
            }
        });
        this.listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the box
        this.listbox.addEventListener("click", (event) => {
            const item = event.target.closest("[role=option]");
            if (item) {
                this.choose(this.options[Number(item.dataset.index)]);
            }
        });
        this.root.addEventListener("focusout", (event) => {
            if (!this.root.contains(event.relatedTarget)) {
                this.close();
            }
        });
        select.form?.addEventListener("reset", () => setTimeout(() => this.refresh(), 0));
        select.addEventListener("change", (event) => {
            if (!event.detail?.fromPicker) {
                this.refresh();
            }
        });
        this.refresh();
    }

    // Show the chips and the options' state from the <select>.
    refresh() {
        this.chips.replaceChildren();
        for (const option of this.options) {
            const chosen = option.element.selected;
            option.item.setAttribute("aria-selected", String(chosen));
            if (!chosen) {
                continue;
            }
            const chip = document.createElement("li");
            if (this.multiple || this.blank) {
                const button = document.createElement("button");
                button.type = "button";
                button.className = "picker__chip";
                button.setAttribute("aria-label", text("pickerRemove", { label: option.text }, "Remove %(label)s"));
                const name = document.createElement("span");
                name.textContent = option.text;
                const cross = document.createElement("span");
                cross.className = "picker__chip-remove";
                cross.setAttribute("aria-hidden", "true");
                cross.textContent = "×";
                button.append(name, cross);
                button.addEventListener("click", () => this.unchoose(option, button));
                chip.append(button);
            } else {
                chip.className = "picker__chip picker__chip--fixed";
                chip.textContent = option.text;
            }
            this.chips.append(chip);
        }
        this.chips.hidden = !this.chips.children.length;
        this.input.placeholder = this.chips.hidden ? this.emptyText : "";
    }

    visibleOptions() {
        return this.options.filter((option) => !option.item.hidden);
    }

    filter(announce) {
        const query = normalize(this.input.value);
        const words = query ? query.split(" ") : [];
        const ranked = [];
        for (const option of this.options) {
            const score = rank(option, query, words);
            option.item.hidden = score < 0;
            if (score >= 0) {
                ranked.push([score, option]);
            }
        }
        ranked.sort((a, b) => a[0] - b[0] || a[1].index - b[1].index);
        for (const [, option] of ranked) {
            this.listbox.insertBefore(option.item, this.empty);
        }
        this.empty.hidden = ranked.length > 0;
        this.open();
        // Automatic selection: typing highlights the best match, so Enter chooses it.
        this.setActive(query && ranked.length ? ranked[0][1] : null);
        if (announce) {
            this.announceCount(ranked.length);
        }
    }

    announceCount(count) {
        clearTimeout(this.countTimer);
        // Wait for a pause in typing, so a screen reader is not interrupted at every key.
        this.countTimer = setTimeout(() => {
            this.say(
                count
                    ? text("pickerCount", { count }, "Options shown: %(count)s.")
                    : text("pickerNone", {}, "No option matches."),
            );
        }, 500);
    }

    say(message) {
        // Clear, then write: the same message twice in a row is announced twice.
        this.status.textContent = "";
        setTimeout(() => {
            this.status.textContent = message;
        }, 50);
    }

    open() {
        if (!this.listbox.hidden) {
            return;
        }
        this.listbox.hidden = false;
        this.input.setAttribute("aria-expanded", "true");
        this.root.classList.add("picker--open");
    }

    close() {
        this.listbox.hidden = true;
        this.input.setAttribute("aria-expanded", "false");
        this.root.classList.remove("picker--open");
        this.setActive(null);
    }

    setActive(option) {
        this.active?.item.classList.remove("picker__option--active");
        this.active = option;
        if (option) {
            option.item.classList.add("picker__option--active");
            this.input.setAttribute("aria-activedescendant", option.item.id);
            option.item.scrollIntoView({ block: "nearest" });
        } else {
            this.input.removeAttribute("aria-activedescendant");
        }
    }

    move(step) {
        const visible = [...this.listbox.querySelectorAll("[role=option]:not([hidden])")].map(
            (item) => this.options[Number(item.dataset.index)],
        );
        if (!visible.length) {
            return;
        }
        const at = visible.indexOf(this.active);
        let next;
        if (at < 0) {
            next = step > 0 ? 0 : visible.length - 1;
        } else {
            next = (at + step + visible.length) % visible.length;
        }
        this.setActive(visible[next]);
    }

    onKeyDown(event) {
        const closed = this.listbox.hidden;
        switch (event.key) {
            case "ArrowDown":
                event.preventDefault();
                if (closed) {
                    this.filter(false);
                    if (event.altKey) {
                        return;
                    }
                }
                this.move(1);
                break;
            case "ArrowUp":
                event.preventDefault();
                if (event.altKey) {
                    this.close();
                    return;
                }
                if (closed) {
                    this.filter(false);
                }
                this.move(-1);
                break;
            case "Enter":
                if (!closed && this.active) {
                    event.preventDefault();
                    this.choose(this.active);
                } else if (!closed) {
                    event.preventDefault(); // an open list never submits the form
                }
                break;
            case "Escape":
                if (!closed) {
                    event.preventDefault();
                    this.close();
                } else if (this.input.value) {
                    event.preventDefault();
                    this.input.value = "";
                }
                break;
            case "Tab":
                this.close();
                break;
            default:
        }
    }

    notify() {
        this.select.dispatchEvent(new CustomEvent("change", { bubbles: true, detail: { fromPicker: true } }));
    }

    choose(option) {
        if (this.multiple) {
            option.element.selected = !option.element.selected;
            this.refresh();
            this.notify();
            const chosen = this.options.filter((o) => o.element.selected).length;
            const change = option.element.selected
                ? text("pickerAdded", { label: option.text }, "%(label)s chosen.")
                : text("pickerRemoved", { label: option.text }, "%(label)s removed.");
            this.say(`${change} ${text("pickerChosenCount", { count: chosen }, "Chosen: %(count)s.")}`);
            this.setActive(option);
            return;
        }
        option.element.selected = true;
        this.refresh();
        this.notify();
        this.input.value = "";
        this.close();
        this.say(text("pickerAdded", { label: option.text }, "%(label)s chosen."));
    }

    unchoose(option, button) {
        // The focus goes to the chip that takes this one's place, else the previous one, else the box.
        const position = [...this.chips.children].indexOf(button.parentElement);
        if (this.multiple) {
            option.element.selected = false;
        } else if (this.blank) {
            this.blank.selected = true;
        }
        this.refresh();
        this.notify();
        const chips = [...this.chips.querySelectorAll("button")];
        (chips[Math.min(position, chips.length - 1)] || this.input).focus();
        this.say(text("pickerRemoved", { label: option.text }, "%(label)s removed."));
    }
}

// A long list of checkboxes (a fieldset marked `data-filterable`, e.g. the search page's country
// facet) gets a box that hides the values that do not match what is typed; nothing is unchecked.
const FILTERABLE_FROM = 12;

function filterable(group) {
    const items = [...group.querySelectorAll("li")].filter((li) => li.querySelector("input"));
    if (items.length <= FILTERABLE_FROM) {
        return;
    }
    const number = ++pickerCount;
    const legend = group.querySelector("legend");
    const label = document.createElement("label");
    label.className = "filter-list__label";
    label.htmlFor = `filter-list-${number}`;
    label.textContent = text("filterList", { legend: legend ? legend.textContent.trim() : "" }, "Filter the list");
    const input = document.createElement("input");
    input.type = "search";
    input.id = label.htmlFor;
    input.className = "filter-list__input";
    input.autocomplete = "off";
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    const texts = items.map((li) => normalize(li.textContent.replace(/\(\d+\)\s*$/, "")));
    let timer;
    input.addEventListener("input", () => {
        const query = normalize(input.value);
        const words = query ? query.split(" ") : [];
        let shown = 0;
        items.forEach((li, index) => {
            const match = words.every((word) => texts[index].split(" ").some((w) => w.startsWith(word)))
                || texts[index].includes(query);
            li.hidden = !match;
            shown += match ? 1 : 0;
        });
        if (query) {
            for (const more of group.querySelectorAll("details")) {
                more.open = true;
            }
        }
        clearTimeout(timer);
        timer = setTimeout(() => {
            status.textContent = text("filterListCount", { count: shown, total: items.length }, "Shown: %(count)s of %(total)s.");
        }, 500);
    });
    input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
            event.preventDefault(); // typing in the filter box never submits the form
        }
    });
    (legend || group.firstChild).after(label, input, status);
}

export function enhance(root = document) {
    for (const select of root.querySelectorAll("select[data-picker]:not([data-picker-ready])")) {
        if (select.disabled) {
            continue;
        }
        select.setAttribute("data-picker-ready", "");
        new Picker(select);
    }
    for (const group of root.querySelectorAll("fieldset[data-filterable]:not([data-filterable-ready])")) {
        group.setAttribute("data-filterable-ready", "");
        filterable(group);
    }
}

enhance();
// Forms swapped in by htmx get their pickers too.
document.body.addEventListener("htmx:load", (event) => enhance(event.target));
