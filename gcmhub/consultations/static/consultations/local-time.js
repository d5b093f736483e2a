// Times of a discussion in the reader's own time zone: each <span data-local-time="ISO 8601">
// inside a hidden .local-time element is filled with the moment as the browser's zone shows it,
// in the page's language, and its element shown. Without JavaScript the page says the topic's zone
// and its UTC offset.
const language = document.documentElement.lang || undefined;
const formatter = new Intl.DateTimeFormat(language, { dateStyle: "long", timeStyle: "short", timeZoneName: "short" });
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

for (const slot of document.querySelectorAll("[data-local-time]")) {
    const moment = new Date(slot.dataset.localTime);
    if (Number.isNaN(moment.getTime())) continue;
    const wrapper = slot.closest(".local-time");
    if (wrapper && wrapper.dataset.zone === zone) continue; // the reader is in the topic's zone
    slot.textContent = formatter.format(moment);
    if (wrapper) wrapper.hidden = false;
}
