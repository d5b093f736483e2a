// Times of a discussion in the reader's own time zone: each <time data-local-time datetime="ISO 8601">
// inside a hidden .local-time element is filled with the moment as the browser's zone shows it,
// in the page's language, and its element shown. Without JavaScript the page says the topic's zone
// and its UTC offset.
const language = document.documentElement.lang || undefined;
// dateStyle/timeStyle cannot be combined with timeZoneName: the parts are named one by one.
const formatter = new Intl.DateTimeFormat(language, {
    year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
});
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

for (const slot of document.querySelectorAll("[data-local-time]")) {
    const moment = new Date(slot.getAttribute("datetime"));
    if (Number.isNaN(moment.getTime())) continue;
    const wrapper = slot.closest(".local-time");
    if (wrapper && wrapper.dataset.zone === zone) continue; // the reader is in the topic's zone
    slot.textContent = formatter.format(moment);
    if (wrapper) wrapper.hidden = false;
}
