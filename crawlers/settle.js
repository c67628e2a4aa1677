// Installed before any page script (an init script): knows what work the page still has queued,
// so that after the load event we can tell "nothing more will happen soon" from "something might".
// Timers due within a horizon, animation frames, idle callbacks, fetch/XHR in flight, running
// animations, fonts and images still loading. The browser's own request count is the caller's
// (it sees every frame's requests); this is what only the page can know.
(() => {
  const W = window;
  const now = performance.now.bind(performance);  // the page's own replacement would not fool us
  const timers = new Map();  // id -> when it is due (page clock); removed when it runs or is cleared
  const frames = new Set();
  const idle = new Set();
  let fetches = 0;
  let work = 0;  // when a callback we know of last ran, or a message was posted (work to come)
  const worked = () => { work = now(); };

  const orig = {
    setTimeout: W.setTimeout, clearTimeout: W.clearTimeout,
    setInterval: W.setInterval, clearInterval: W.clearInterval,
    raf: W.requestAnimationFrame, caf: W.cancelAnimationFrame,
    ric: W.requestIdleCallback, cic: W.cancelIdleCallback,
    fetch: W.fetch,
  };
  const same = (wrapper, original) => {
    try { Object.defineProperty(wrapper, "name", { value: original.name }); } catch (e) { /* */ }
    return wrapper;
  };
  const call = (fn, self, args) => (typeof fn === "function" ? fn.apply(self, args) : undefined);

  W.setTimeout = same(function (fn, delay, ...args) {
    const wait = Math.max(0, Number(delay) || 0);
    if (typeof fn !== "function") return orig.setTimeout.call(W, fn, delay, ...args);  // code in a string
    let id;
    const run = function () { timers.delete(id); worked(); return fn.apply(this, args); };
    id = orig.setTimeout.call(W, run, delay, ...args);
    timers.set(id, now() + wait);
    return id;
  }, orig.setTimeout);
  W.clearTimeout = same(function (id) { timers.delete(id); return orig.clearTimeout.call(W, id); }, orig.clearTimeout);
  W.setInterval = same(function (fn, delay, ...args) {
    if (typeof fn !== "function") return orig.setInterval.call(W, fn, delay, ...args);
    const every = Math.max(0, Number(delay) || 0);
    let id;
    const run = function () { timers.set(id, now() + every); worked(); return fn.apply(this, args); };
    id = orig.setInterval.call(W, run, delay, ...args);
    timers.set(id, now() + every);
    return id;
  }, orig.setInterval);
  W.clearInterval = same(function (id) { timers.delete(id); return orig.clearInterval.call(W, id); }, orig.clearInterval);
  if (orig.raf) {
    W.requestAnimationFrame = same(function (fn) {
      let id;
      id = orig.raf.call(W, (t) => { frames.delete(id); worked(); return call(fn, W, [t]); });
      frames.add(id);
      return id;
    }, orig.raf);
    W.cancelAnimationFrame = same(function (id) { frames.delete(id); return orig.caf.call(W, id); }, orig.caf);
  }
  if (orig.ric) {
    W.requestIdleCallback = same(function (fn, opts) {
      let id;
      id = orig.ric.call(W, (d) => { idle.delete(id); worked(); return call(fn, W, [d]); }, opts);
      idle.add(id);
      return id;
    }, orig.ric);
    W.cancelIdleCallback = same(function (id) { idle.delete(id); return orig.cic.call(W, id); }, orig.cic);
  }
  if (orig.fetch) {
    W.fetch = same(function (...args) {
      fetches += 1;
      let p;
      try { p = orig.fetch.apply(this, args); } catch (e) { fetches -= 1; throw e; }
      const done = () => { fetches -= 1; worked(); };
      p.then(done, done);
      return p;
    }, orig.fetch);
  }
  const xhrSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = same(function (...args) {
    fetches += 1;
    this.addEventListener("loadend", () => { fetches -= 1; worked(); }, { once: true });
    return xhrSend.apply(this, args);
  }, xhrSend);
  // Schedulers that run work in message tasks (React's does): a post means more work is coming.
  // Not window.postMessage: a wrapper from this frame would become the message's source.
  const portPost = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = same(function (...args) { worked(); return portPost.apply(this, args); }, portPost);

  // What the page still has queued that could change it within `horizon` ms, or "" for nothing.
  const pending = (horizon) => {
    if (document.readyState !== "complete") return "document still loading";
    const t = now();
    for (const due of timers.values()) if (due <= t + horizon) return "a timer";
    if (frames.size) return "an animation frame";
    if (idle.size) return "an idle callback";
    if (fetches > 0) return "a fetch";
    if (document.fonts && document.fonts.status === "loading") return "fonts";
    for (const img of document.images) if (!img.complete && img.loading !== "lazy") return "an image";
    if (document.getAnimations) {
      for (const a of document.getAnimations()) if (a.playState === "running") return "an animation";
    }
    // Frames of the same origin keep their own account (a cross-origin frame's is out of reach;
    // its requests are still counted by the browser).
    for (let i = 0; i < W.frames.length; i += 1) {
      try {
        const inner = W.frames[i].__maturitySettle;
        const what = inner && inner.pending(horizon);
        if (what) return `${what} in a frame`;
      } catch (e) { /* cross-origin */ }
    }
    return "";
  };
  // Two rendered frames, then a task. Resolves with when the first frame began: work done before
  // it was laid out in that frame, so its layout shifts and paints are queued by the time this
  // resolves (at most 200 ms, for a document that renders no frames).
  const fence = () => new Promise((resolve) => {
    let frame = null;
    const give = () => resolve(frame === null ? now() : frame);
    const t = orig.setTimeout.call(W, give, 200);
    const done = () => { orig.clearTimeout.call(W, t); orig.setTimeout.call(W, give, 0); };
    if (orig.raf) orig.raf.call(W, () => { frame = now(); orig.raf.call(W, done); }); else done();
  });
  // One look at the page: started, first fence frame, last known work, last metric movement
  // (layout shift, paint, long task: from perf.js when installed) and what is still queued.
  const probe = async (horizon) => {
    const started = now();
    const frame = await fence();
    const perf = W.__maturityPerf;
    if (perf && perf.flush) perf.flush();
    return { started, frame, now: now(), work, last: perf ? perf.last : 0, pending: pending(horizon) };
  };
  Object.defineProperty(W, "__maturitySettle", { value: Object.freeze({ probe, pending }), enumerable: false });
})();
