// Installed before any page script (an init script): observes paint, layout shifts and long tasks.
(() => {
  // `last`: when anything that moves the metrics last happened (a long task ending, a shift, a paint),
  // by the entry's own time: an entry delivered late still happened when it says.
  const observers = [];
  const m = { lcp: null, cls: 0, longtasks: [], last: 0, flush: () => {
    // Entries queued but not yet delivered to the callbacks (settle.js asks before deciding).
    for (const [observer, take] of observers) take(observer.takeRecords());
  } };
  Object.defineProperty(window, "__maturityPerf", { value: m, enumerable: false });
  const observe = (type, take) => {
    try {
      const observer = new PerformanceObserver((list) => take(list.getEntries()));
      observer.observe({ type, buffered: true });
      observers.push([observer, take]);
    } catch (e) { /* unsupported */ }
  };
  observe("largest-contentful-paint", (entries) => {
    for (const e of entries) {
      m.lcp = e.renderTime || e.loadTime || e.startTime;
      m.last = Math.max(m.last, m.lcp);
    }
  });
  // CLS: the largest session window (shifts < 1 s apart, window at most 5 s), ignoring shifts after input.
  let sessionValue = 0, sessionStart = 0, last = 0;
  observe("layout-shift", (entries) => {
    for (const e of entries) {
      if (e.hadRecentInput) continue;
      if (sessionValue && e.startTime - last < 1000 && e.startTime - sessionStart < 5000) {
        sessionValue += e.value;
      } else {
        sessionValue = e.value;
        sessionStart = e.startTime;
      }
      last = e.startTime;
      m.cls = Math.max(m.cls, sessionValue);
      m.last = Math.max(m.last, e.startTime);
    }
  });
  observe("longtask", (entries) => {
    for (const e of entries) {
      m.longtasks.push([e.startTime, e.duration]);
      m.last = Math.max(m.last, e.startTime + e.duration);
    }
  });
})();
