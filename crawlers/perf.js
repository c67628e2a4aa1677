// Installed before any page script (an init script): observes paint, layout shifts and long tasks.
(() => {
  // `last`: when anything that moves the metrics last happened (a long task ending, a shift, a paint).
  const m = { lcp: null, cls: 0, longtasks: [], last: 0 };
  Object.defineProperty(window, "__maturityPerf", { value: m, enumerable: false });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        m.lcp = e.renderTime || e.loadTime || e.startTime;
        m.last = Math.max(m.last, performance.now());
      }
    }).observe({ type: "largest-contentful-paint", buffered: true });
  } catch (e) { /* unsupported */ }
  // CLS: the largest session window (shifts < 1 s apart, window at most 5 s), ignoring shifts after input.
  let sessionValue = 0, sessionStart = 0, last = 0;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        if (sessionValue && e.startTime - last < 1000 && e.startTime - sessionStart < 5000) {
          sessionValue += e.value;
        } else {
          sessionValue = e.value;
          sessionStart = e.startTime;
        }
        last = e.startTime;
        m.cls = Math.max(m.cls, sessionValue);
        m.last = Math.max(m.last, performance.now());
      }
    }).observe({ type: "layout-shift", buffered: true });
  } catch (e) { /* unsupported */ }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        m.longtasks.push([e.startTime, e.duration]);
        m.last = Math.max(m.last, e.startTime + e.duration);
      }
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { /* unsupported */ }
})();
