// Installed before any page script (an init script): from the load event on, notes which elements
// scripts keep changing (text, or the style and class attributes), so the interactive phase can tell
// auto-updating and script-driven moving content from a page that holds still. Cheap: one observer,
// counters for at most 300 elements, nothing read from the layout; and which elements scripts gave key
// or focus-leaving listeners (a WeakSet, noted as addEventListener is called).

// A WebGL canvas keeps its drawing only until the browser shows it (preserveDrawingBuffer false, the
// default): read later, as the motion part reads a canvas, it is blank, so one redrawn every 100 ms would
// seem to flash against the page and a flashing one could look still. Its contexts are made with the
// drawing kept (a little more GPU memory; what it shows is the same), in every frame of the page.
(() => {
  const getContext = HTMLCanvasElement.prototype.getContext;
  const kept = function (type, attributes, ...rest) {
    if (/^(webgl2?|experimental-webgl)$/.test(String(type))) {
      attributes = { ...(attributes && typeof attributes === "object" ? attributes : {}), preserveDrawingBuffer: true };
    }
    return getContext.call(this, type, attributes, ...rest);
  };
  try { Object.defineProperty(kept, "name", { value: getContext.name }); } catch (e) { /* */ }
  HTMLCanvasElement.prototype.getContext = kept;
})();
(() => {
  const KEY = "__maturityWatch";
  if (window[KEY] || window.top !== window) return;
  const now = performance.now.bind(performance);
  const seen = new Map();  // element -> {text, style, first, last}
  const state = { loaded: null, seen, stopped: false };  // stopped: our own changes follow
  Object.defineProperty(window, KEY, { value: state, enumerable: false });
  const note = (el, field) => {
    if (state.stopped || !el || el.nodeType !== 1) return;
    let entry = seen.get(el);
    if (!entry) {
      if (seen.size >= 300) return;
      entry = { text: 0, style: 0, first: now(), last: 0 };
      seen.set(el, entry);
    }
    entry[field]++;
    entry.last = now();
  };
  const start = () => {
    state.loaded = now();
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === "attributes") note(r.target, "style");
        else if (r.type === "characterData") note(r.target.parentElement, "text");
        else if (r.addedNodes.length || r.removedNodes.length) note(r.target, "text");
      }
    });
    state.discard = () => observer.takeRecords();  // changes made while stopped, not yet delivered
    observer.observe(document, {
      subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["style", "class"],
    });
  };
  // Elements a page script gave a key or focus-leaving listener (a widget with no role that may hold
  // focus): the keyboard part tries those the Tab walk did not reach, as it tries role-bearing widgets.
  const keyed = new WeakSet();
  state.keyed = keyed;
  const listen = EventTarget.prototype.addEventListener;
  const HOLDS = new Set(["keydown", "keypress", "keyup", "focusout", "blur"]);
  // ... and, apart, which elements have a focus-leaving listener of their own: the keyboard part tries
  // whether leaving them by Tab brings focus straight back (a refocus on blur, even after a timer).
  const leaving = new WeakSet();
  state.leaving = leaving;
  const wrapped = function (type, ...rest) {
    if (HOLDS.has(type) && this instanceof Element) keyed.add(this);
    if ((type === "blur" || type === "focusout") && this instanceof Element) leaving.add(this);
    return listen.call(this, type, ...rest);
  };
  try { Object.defineProperty(wrapped, "name", { value: listen.name }); } catch (e) { /* */ }
  EventTarget.prototype.addEventListener = wrapped;
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start, { once: true });
})();
