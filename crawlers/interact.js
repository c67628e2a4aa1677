// The interactive phase's in-page half: called as ({part, ...}) by crawlers/interact.py, one part at
// a time, between key presses, mouse moves and window changes made from outside. Returns plain JSON
// facts, no judgement. State between calls lives on one non-enumerable window property.
async ({ part, arg }) => {
  const KEY = "__maturityInteract";
  if (!window[KEY]) Object.defineProperty(window, KEY, { value: { keys: new WeakMap(), next: 1 }, enumerable: false });
  const S = window[KEY];
  const fold = (s) => (s || "").replace(/\s+/g, " ").trim();
  const cap = (s, n) => (s.length > n ? s.slice(0, n) : s);
  // Same-origin frames are entered (their elements belong to another document, hence no instanceof).
  const inner = (frameEl) => { try { return frameEl.contentDocument || null; } catch (e) { return null; } };
  const isFrame = (el) => ["iframe", "frame", "object", "embed"].includes(el.localName);
  const frames = (doc, depth = 0) => {  // same-origin frame documents, two levels deep at most
    const out = [];
    if (depth > 1) return out;
    for (const f of Array.from(doc.querySelectorAll("iframe, frame")).slice(0, 20)) {
      const d = inner(f);
      if (d && d.documentElement) out.push(d, ...frames(d, depth + 1));
    }
    return out;
  };
  const cssPath = (el) => {
    if (!el || el.nodeType !== 1) return "";
    const host = el.ownerDocument !== document && el.ownerDocument.defaultView ? el.ownerDocument.defaultView.frameElement : null;
    if (host) return `${cssPath(host)} >>> ${cssPathIn(el)}`;
    return cssPathIn(el);
  };
  const cssPathIn = (el) => {
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1 && parts.length < 5) {
      if (node.id && /^[A-Za-z][\w-]*$/.test(node.id)) { parts.unshift("#" + node.id); break; }
      let p = node.localName;
      const parent = node.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((c) => c.localName === node.localName);
        if (same.length > 1) p += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(p);
      node = parent;
    }
    return parts.join(" > ");
  };
  const shown = (el) => {
    if (!el.isConnected || !el.getClientRects().length) return false;
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && s.opacity !== "0";
  };
  const name = (el) => cap(fold(el.getAttribute("aria-label") || el.innerText || el.textContent || el.getAttribute("title") ||
    el.getAttribute("alt") || el.getAttribute("value") || ""), 80);
  const area = (el) => { const r = el.getBoundingClientRect(); return Math.round(r.width * r.height); };
  const TABBABLE = "a[href], button, input:not([type='hidden']), select, textarea, iframe, [tabindex], [contenteditable='true'], summary, audio[controls], video[controls]";
  const tabbable = () => Array.from(document.querySelectorAll(TABBABLE)).slice(0, 5000)
    .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length);
  const deepActive = () => {
    let el = document.activeElement;
    for (let hops = 0; el && hops < 10; hops++) {
      if (el.shadowRoot && el.shadowRoot.activeElement) { el = el.shadowRoot.activeElement; continue; }
      const d = isFrame(el) ? inner(el) : null;  // focus inside a same-origin frame
      if (d && d.activeElement && d.activeElement !== d.body && d.activeElement !== d.documentElement) { el = d.activeElement; continue; }
      break;
    }
    return el;
  };
  const offset = (el) => {  // where the frames an element sits in are, in the top document's viewport
    let x = 0, y = 0;
    for (let w = el.ownerDocument.defaultView; w && w !== window && w.frameElement; w = w.parent) {
      const r = w.frameElement.getBoundingClientRect();
      x += r.left + w.frameElement.clientLeft; y += r.top + w.frameElement.clientTop;
    }
    return [x, y];
  };
  const pinned = (el) => {
    const view = el.ownerDocument.defaultView || window;
    for (let n = el; n && n !== el.ownerDocument.body && n !== el.ownerDocument.documentElement; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
      const pos = view.getComputedStyle(n).position;
      if (pos === "fixed" || pos === "sticky") return true;
    }
    return false;
  };
  const modalOf = (el) => {
    const d = el.closest("dialog[open], [role='dialog'][aria-modal='true'], [role='alertdialog'][aria-modal='true']");
    return d && (d.localName !== "dialog" || d.matches(":modal") || d.getAttribute("aria-modal") === "true") ? d : null;
  };
  const stop = (el) => {
    if (!el || el === document.body || el === document.documentElement) return { kind: "none" };
    if (isFrame(el)) return { kind: "frame", selector: cssPath(el) };  // a cross-origin one: not entered
    if (!S.keys.has(el)) S.keys.set(el, S.next++);
    const r = el.getBoundingClientRect();
    const [dx, dy] = offset(el);
    return {
      kind: "element", key: S.keys.get(el), selector: cssPath(el), text: name(el),
      top: Math.round(r.top + dy + scrollY), left: Math.round(r.left + dx + scrollX), width: Math.round(r.width), height: Math.round(r.height),
      pinned: pinned(el), modal: Boolean(modalOf(el)),
      // controls whose own parts take focus one Tab after another (media controls, date fields)
      composite: el.matches("audio, video, input[type='date'], input[type='time'], input[type='datetime-local'], input[type='month'], input[type='week']"),
    };
  };
  // relative luminance (WCAG 2.2 definition) of what an element shows: its background over what is behind it
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const rgba = (v) => { const m = /rgba?\(([^)]+)\)/.exec(v || ""); if (!m) return null; const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  // For the red flash threshold (WCAG 2.2, "general flash and red flash thresholds", note 2): of an sRGB
  // colour, R/(R+G+B) and its CIE 1976 UCS chromaticity (u', v'); black takes the D65 white point's.
  const chroma = (c) => {
    const r = channel(c[0]), g = channel(c[1]), b = channel(c[2]);
    const x = 0.4124 * r + 0.3576 * g + 0.1805 * b, y = 0.2126 * r + 0.7152 * g + 0.0722 * b, z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
    const d = x + 15 * y + 3 * z, sum = c[0] + c[1] + c[2];
    const round = (v) => Math.round(v * 1000) / 1000;
    return [round(sum > 0 ? c[0] / sum : 0), round(d > 0 ? 4 * x / d : 0.1978), round(d > 0 ? 9 * y / d : 0.4683)];
  };
  // the sRGB value (0-255) of a grey of relative luminance y: what shows behind a translucent background
  const grey = (y) => 255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * Math.pow(y, 1 / 2.4) - 0.055);
  // An element's relative luminance (its background over what is behind it) and the colour it shows,
  // from one style read.
  const look = (el, back) => {
    const s = getComputedStyle(el);
    const g = grey(back);
    if (s.visibility === "hidden" || s.display === "none") return [back, [g, g, g]];
    const c = rgba(s.backgroundColor) || [255, 255, 255, 0];
    const a = c[3] * parseFloat(s.opacity || "1");
    return [a * lum(c) + (1 - a) * back, [0, 1, 2].map((i) => a * c[i] + (1 - a) * g)];
  };
  // the element's parent, or, at the top of a same-origin frame's document, the frame element itself
  const up = (el) => el.parentElement || (el.ownerDocument !== document && el.ownerDocument.defaultView ? el.ownerDocument.defaultView.frameElement : null);
  const behind = (el) => {
    for (let n = up(el); n; n = up(n)) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) return lum(c);
    }
    return 1;  // the canvas: white
  };
  const frame = () => new Promise((resolve) => { requestAnimationFrame(() => resolve()); setTimeout(resolve, 50); });

  if (part === "images") {
    // For each animated image (by address): the <img> elements showing it, the largest, the buttons
    // beside it (its parent, grandparent and great-grandparent), and whether it sits in a <details>.
    const imgs = Array.from(document.images).slice(0, 2000);
    const controlSel = "button, [role='button'], [role='switch'], input[type='button'], input[type='checkbox']";
    return arg.urls.map((url) => {
      const showing = imgs.filter((img) => (img.currentSrc === url || img.src === url) && shown(img));
      const out = { selector: "", area: 0, shown: showing.length, controls: [], in_details: false };
      if (!showing.length) return out;
      const img = showing.reduce((a, b) => (area(b) > area(a) ? b : a));
      out.selector = cssPath(img);
      out.area = area(img);
      out.in_details = Boolean(img.closest("details"));
      const names = new Set();
      for (let c = img.parentElement, up = 0; c && up < 3 && c !== document.body; c = c.parentElement, up++) {
        for (const b of Array.from(c.querySelectorAll(controlSel)).slice(0, 20)) {
          const labels = b.labels ? Array.from(b.labels).map((l) => l.textContent).join(" ") : "";
          const n = cap(fold([b.getAttribute("aria-label"), b.getAttribute("title"), b.innerText || b.value, labels].filter(Boolean).join(" ")), 60);
          if (n) names.add(n);
        }
      }
      out.controls = Array.from(names).slice(0, 10);
      return out;
    });
  }

  if (part === "motion") {
    const watch = window.__maturityWatch;
    // A page that scripts keep changing (twice or more, and in the last half second) is watched until
    // arg.watch_ms after its load event: a counter updating every second shows itself; a page that went
    // still after loading costs nothing.
    // the page's own content, not the document's frame (our fact gathering adds a style to <head>)
    const content = (el) => el.isConnected && !["HTML", "HEAD", "BODY", "STYLE", "SCRIPT", "TITLE", "LINK", "META"].includes(el.tagName) && !el.closest("head");
    const busy = ([el, e]) => e.text + e.style >= 2 && e.last > performance.now() - 500 && content(el);  // lately too
    // Canvases and playing videos: the mean relative luminance of their pixels, drawn into a 16 × 16
    // copy. A canvas is sampled only when its pixels changed within PROBE_MS (a still chart costs at
    // most PROBE_MS, mostly spent in the watch below, not the sampling window); a playing video always.
    // One whose pixels a script may not read (cross-origin, "tainted") is noted, never taken as still.
    // A muted autoplaying video below the fold waits, paused at its start, until it is scrolled to
    // (Chromium's policy); it plays then, so it is started here, to be sampled as someone who scrolls
    // to it sees it (at most 300 ms waited for it to start).
    // The page and its same-origin frames (two levels deep): their canvases, videos and animations too.
    const docs = [document, ...frames(document)];
    const waiting = docs.flatMap((d) => Array.from(d.querySelectorAll("video[autoplay]")).slice(0, 50))
      .filter((v) => v.paused && !v.ended && v.currentTime === 0 && v.muted && shown(v)).slice(0, 4);
    if (waiting.length) {
      await Promise.race([Promise.allSettled(waiting.map((v) => v.play())), new Promise((resolve) => setTimeout(resolve, 300))]);
    }
    const pixels = docs.flatMap((d) => Array.from(d.querySelectorAll("canvas, video")).slice(0, 50)).filter((el) =>
      shown(el) && area(el) > 0 && (el.localName === "canvas" || (!el.paused && !el.ended && el.readyState >= 2))).slice(0, 4);
    const copy = document.createElement("canvas");
    copy.width = copy.height = 16;
    const ctx = pixels.length ? copy.getContext("2d", { willReadFrequently: true }) : null;
    let meanRgb = [0, 0, 0];  // the mean sRGB colour of the pixels meanLum read last
    const meanLum = (el, back) => {
      ctx.clearRect(0, 0, 16, 16);
      ctx.drawImage(el, 0, 0, 16, 16);
      const d = ctx.getImageData(0, 0, 16, 16).data;  // throws on a tainted source
      let sum = 0;
      const rgb = [0, 0, 0], g = grey(back);
      for (let i = 0; i < d.length; i += 4) {
        const a = d[i + 3] / 255;
        sum += a * lum([d[i], d[i + 1], d[i + 2]]) + (1 - a) * back;
        for (let k = 0; k < 3; k++) rgb[k] += a * d[i + k] + (1 - a) * g;
      }
      meanRgb = rgb.map((v) => v / (d.length / 4));
      return sum / (d.length / 4);
    };
    const media = [];
    const unmeasured = [];
    for (const el of pixels) {
      const back = behind(el);
      try {
        const first = meanLum(el, back);
        media.push({ el, back, first });
      } catch (e) {
        unmeasured.push({ selector: cssPath(el), kind: el.localName, area: area(el),
          reason: e && e.name === "SecurityError" ? "its pixels are cross-origin (tainted): a script may not read them" : cap(String(e), 100) });
      }
    }
    // A canvas changing at 3 flashes a second changes every 167 ms: each frame is compared with the first
    // for PROBE_MS at least, and for as long as the watch below waits (so mostly at no cost): on a loaded
    // machine, frames come seldom, and 200 ms may hold too few of them to see a change.
    const PROBE_MS = 200;
    let watching = true;
    const changed = (m) => m.el.localName === "video" || m.moved || (m.moved = Math.abs(meanLum(m.el, m.back) - m.first) > 0.0005);
    const probing = (async () => {
      const t0 = performance.now();
      while (media.some((m) => !changed(m)) && (watching || performance.now() - t0 < PROBE_MS)) await frame();
    })().catch(() => {});
    // A fast page reaches this part a few hundred ms after its load: too soon for a counter updating
    // every quarter second to have changed twice. So every page is watched arg.min_ms after its load first.
    if (watch && watch.loaded != null) {
      const early = arg.min_ms - (performance.now() - watch.loaded);
      if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    }
    if (watch && watch.loaded != null && Array.from(watch.seen).some(busy)) {
      const wait = Math.min(arg.watch_ms, arg.watch_ms - (performance.now() - watch.loaded));
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    watching = false;
    const out = { observed_ms: watch && watch.loaded != null ? Math.round(performance.now() - watch.loaded) : 0,
      animations: [], changes: [], luminance: [], sample_ms: 0, controls: [], unmeasured: [] };
    const byTarget = new Map();
    // the running animations of the page and its frames, read once: listed here, moved forward below
    const running = docs.flatMap((d) => d.getAnimations()).slice(0, 300).filter((a) => a.playState === "running");
    for (const a of running) {
      const effect = a.effect;
      const el = effect && effect.target;  // an element of a frame is no instanceof this window's Element
      if (!el || el.nodeType !== 1 || !el.getClientRects().length) continue;
      const t = effect.getComputedTiming();
      // the properties whose value changes from keyframe to keyframe (a shorthand lists all its longhands)
      const values = new Map();
      try {
        for (const k of effect.getKeyframes()) for (const [p, v] of Object.entries(k)) {
          if (["offset", "computedOffset", "easing", "composite"].includes(p)) continue;
          if (!values.has(p)) values.set(p, new Set());
          values.get(p).add(String(v));
        }
      } catch (e) { /* */ }
      const props = new Set(Array.from(values).filter(([, v]) => v.size > 1 || effect.getKeyframes().length === 1).map(([p]) => p));
      const total = t.activeDuration === Infinity ? null : Math.round(Number(t.activeDuration) || 0) / 1000;
      const prev = byTarget.get(el);
      if (prev && (prev.seconds === null || (total !== null && prev.seconds >= total))) { props.forEach((p) => prev.properties.push(p)); continue; }
      byTarget.set(el, { selector: cssPath(el), text: name(el), area: area(el), seconds: total,
        period_ms: Math.round(Number(t.duration) || 0), properties: [...new Set([...(prev ? prev.properties : []), ...props])].slice(0, 20) });
      if (byTarget.size >= 50) break;
    }
    out.animations = Array.from(byTarget.values());
    if (watch) {
      watch.stopped = true;  // what follows is ours (keys, mouse, resizing), not the page's
      for (const [el, e] of watch.seen) {
        if (out.changes.length >= 50) break;
        if (e.text + e.style < 2 || !content(el)) continue;
        out.changes.push({ selector: cssPath(el), text: name(el), area: area(el), text_changes: e.text, style_changes: e.style,
          span_ms: Math.round(e.last - e.first) });
      }
    }
    out.controls = Array.from(document.querySelectorAll("button, [role='button'], [role='switch'], input[type='button'], input[type='submit'], input[type='checkbox']"))
      .slice(0, 300).filter((el) => el.getClientRects().length).map((el) => {
        const labels = el.labels ? Array.from(el.labels).map((l) => l.textContent).join(" ") : "";
        return cap(fold([el.getAttribute("aria-label"), el.getAttribute("title"), el.innerText || el.value, labels].filter(Boolean).join(" ")), 60);
      }).filter(Boolean).slice(0, 200);
    // Luminance, frame by frame, of what could flash: animated colours or opacity, elements a script restyles.
    const flashy = /^(background|backgroundColor|background-color|opacity|visibility|filter|color|display)$/;
    const candidates = [];
    for (const [el, a] of byTarget) if (a.properties.some((p) => flashy.test(p)) && (a.period_ms || 0) < 2000) candidates.push(el);
    if (watch) for (const [el, e] of watch.seen) if (e.style >= 3 && el.isConnected && !candidates.includes(el)) candidates.push(el);
    const shownCandidates = candidates.filter((el) => el.getClientRects().length).slice(0, 10);
    // An element only animations change (no script restyles it) is read at exact times, not as frames come:
    // its running animations are moved forward together, SEEK_STEP ms at a time over one second, its style
    // read at each time, and put back where they were, all in one task (the page renders no moved frame).
    // On a loaded machine frames come late and a flash can fall between two of them; a seeked time cannot.
    const SEEK_MS = 1000, SEEK_STEP = 10;
    const scripted = (el) => watch && watch.seen.has(el) && watch.seen.get(el).style >= 3;
    const seeked = [], sampled = [];  // sampled: as frames come
    for (const el of shownCandidates) {
      const anims = running.filter((a) => a.effect && a.effect.target === el);
      if (scripted(el) || !anims.length || anims.some((a) => typeof a.currentTime !== "number")) {
        sampled.push(el);
        continue;
      }
      const start = anims.map((a) => a.currentTime);
      const back = behind(el);
      const samples = [], colours = [];
      try {
        for (let s = 0; s <= SEEK_MS; s += SEEK_STEP) {
          anims.forEach((a, i) => { a.currentTime = start[i] + s * a.playbackRate; });
          const [y, colour] = look(el, back);
          samples.push([s, Math.round(y * 1000) / 1000]);
          colours.push(chroma(colour));
        }
      } catch (e) {
        sampled.push(el);  // sampled as frames come instead
        continue;
      } finally {
        anims.forEach((a, i) => { try { a.currentTime = start[i]; } catch (e) { /* */ } });
      }
      seeked.push({ selector: cssPath(el), area: area(el), samples, chroma: colours, seeked: true });
    }
    out.unmeasured = unmeasured;
    out.luminance = seeked;
    await probing;
    const moving = media.filter((m) => m.el.localName === "video" || m.moved);
    if (sampled.length || moving.length) {
      const backs = sampled.map(behind);
      const series = sampled.map(() => []);
      const pseries = moving.map(() => []);
      const chromas = sampled.map(() => []);  // each sample's colour too, for red flashes
      const pchromas = moving.map(() => []);
      const t0 = performance.now();
      while (performance.now() - t0 < arg.sample_ms) {
        const t = Math.round(performance.now() - t0);
        sampled.forEach((el, i) => {
          if (series[i].length >= 120) return;
          const [y, colour] = look(el, backs[i]);
          series[i].push([t, Math.round(y * 1000) / 1000]);
          chromas[i].push(chroma(colour));
        });
        moving.forEach((m, i) => {
          if (pseries[i].length >= 120 || m.lost) return;
          try {
            pseries[i].push([t, Math.round(meanLum(m.el, m.back) * 1000) / 1000]);
            pchromas[i].push(chroma(meanRgb));
          } catch (e) { m.lost = true; }  // tainted since
        });
        await frame();
      }
      out.sample_ms = Math.round(performance.now() - t0);
      for (const m of moving) if (m.lost) out.unmeasured.push({ selector: cssPath(m.el), kind: m.el.localName, area: area(m.el), reason: "its pixels became unreadable (cross-origin) while sampled" });
      out.luminance = [...seeked, ...sampled.map((el, i) => ({ selector: cssPath(el), area: area(el), samples: series[i], chroma: chromas[i] })),
        ...moving.map((m, i) => ({ selector: cssPath(m.el), area: area(m.el), samples: pseries[i], chroma: pchromas[i], kind: m.el.localName }))];
    }
    return out;
  }

  if (part === "text_resize") {
    // WCAG 1.4.4: every text's font size doubled (and a line height in px with it); boxes that clip
    // their overflow and fit their text before, but not after, are listed. The sizes are put back.
    if (!document.body) return { clipped: [], boxes: 0 };
    const all = Array.from(document.body.querySelectorAll("*")).slice(0, 4000)
      .filter((el) => !["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "svg", "IMG", "VIDEO", "IFRAME", "CANVAS"].includes(el.tagName));
    const clips = (v) => v === "hidden" || v === "clip";
    const boxes = all.filter((el) => {
      const s = getComputedStyle(el);
      return (clips(s.overflowX) || clips(s.overflowY)) && s.display !== "none" && s.visibility !== "hidden" &&
        fold(el.textContent).length > 0 && el.clientWidth > 2 && el.clientHeight > 2;
    }).slice(0, 500);
    const axes = new Map(boxes.map((el) => { const s = getComputedStyle(el); return [el, [clips(s.overflowX), clips(s.overflowY)]]; }));
    const clipped = (el) => { const [x, y] = axes.get(el); return (y && el.scrollHeight > el.clientHeight + 2) || (x && el.scrollWidth > el.clientWidth + 2); };
    const before = new Set(boxes.filter(clipped));
    const sized = all.map((el) => {
      const s = getComputedStyle(el);
      return [el, parseFloat(s.fontSize), s.lineHeight.endsWith("px") ? parseFloat(s.lineHeight) : null,
        el.style.getPropertyValue("font-size"), el.style.getPropertyPriority("font-size"),
        el.style.getPropertyValue("line-height"), el.style.getPropertyPriority("line-height")];
    });
    for (const [el, size, line] of sized) {
      el.style.setProperty("font-size", `${size * 2}px`, "important");
      if (line !== null) el.style.setProperty("line-height", `${line * 2}px`, "important");
    }
    try {
      return { boxes: boxes.length, clipped: boxes.filter((el) => !before.has(el) && clipped(el)).slice(0, 50).map((el) => ({
        selector: cssPath(el), snippet: cap(fold(el.innerText || el.textContent), 120), height: el.clientHeight, needed: el.scrollHeight })) };
    } finally {
      for (const [el, , , fs, fsp, lh, lhp] of sized) {
        if (fs) el.style.setProperty("font-size", fs, fsp); else el.style.removeProperty("font-size");
        if (lh) el.style.setProperty("line-height", lh, lhp); else el.style.removeProperty("line-height");
      }
    }
  }

  if (part === "keyboard_start") {
    // Focus moves from the top of the page: a focusable marker before everything, focused then removed
    // at the first key press (Tab starts from where it was). Each Tab press is noted as it happens,
    // with where focus was, so the presses need no reads in between.
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    scrollTo(0, 0);
    // No spell checking while keys are pressed: a field that takes real keyboard focus makes the browser
    // fetch a dictionary from its vendor (an address outside the audit). Put back at cleanup.
    const docs = frames(document);
    if (!S.spell) {
      S.spell = [document.documentElement, ...docs.map((d) => d.documentElement),
        ...Array.from(document.querySelectorAll("[spellcheck]")).slice(0, 500)]
        .map((el) => [el, el.getAttribute("spellcheck")]);
      for (const [el] of S.spell) el.setAttribute("spellcheck", "false");
    }
    S.walk = [];
    const marker = document.createElement("span");
    marker.tabIndex = -1;
    document.body.prepend(marker);
    marker.focus({ preventScroll: true });
    S.marker = marker;
    // The keys go to the frame that has focus: each same-origin frame's window notes them too.
    if (!S.listening) S.listening = new WeakSet();
    for (const w of [window, ...docs.map((d) => d.defaultView)]) {
      if (!w || S.listening.has(w)) continue;
      S.listening.add(w);
      w.addEventListener("keydown", (e) => {
        if (e.key !== "Tab" || !S.walk) return;
        S.walk.push(S.walk.length === 0 ? null : stop(deepActive()));
        if (S.marker) { const m = S.marker; S.marker = null; setTimeout(() => m.remove(), 0); }
      }, true);
    }
    const inFrames = docs.reduce((n, d) => n + Array.from(d.querySelectorAll(TABBABLE)).slice(0, 500)
      .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length && !isFrame(el)).length, 0);
    return { tabbable: tabbable().length + inFrames };
  }
  if (part === "keyboard_read") {
    const walk = (S.walk || []).slice(1);
    walk.push(stop(deepActive()));
    S.walk = null;
    return walk;
  }
  if (part === "deep_widgets") {
    // Widgets the walk did not reach (none of their elements took focus in it): composite-widget roles,
    // custom elements and keyed containers holding 1 to arg.most tabbable elements, at most arg.max, in
    // document order.
    const WIDGET = "[role='group'], [role='toolbar'], [role='grid'], [role='treegrid'], [role='listbox'], [role='tablist'], " +
      "[role='menu'], [role='menubar'], [role='radiogroup'], [role='tree'], [role='application'], [role='dialog'], [role='combobox']";
    // ... or, with no such role, the nearest container a script gave a key or focus-leaving listener
    // (watch.js notes them), or one with an inline onkeydown.
    const keyed = (window.__maturityWatch && window.__maturityWatch.keyed) || new WeakSet();
    const widgetOf = (el) => {
      const w = el.closest(WIDGET);
      if (w) return w;
      for (let n = el.parentElement; n && n !== document.body; n = n.parentElement) if (n.localName.includes("-")) return n;
      for (let n = el.parentElement; n && n !== document.body; n = n.parentElement) {
        if (keyed.has(n) || n.hasAttribute("onkeydown")) return n;
      }
      return null;
    };
    S.deep = [];
    for (const el of tabbable().slice(0, 2000)) {
      if (S.deep.length >= arg.max) break;
      const w = widgetOf(el);
      if (!w || S.deep.some((d) => d.widget === w || d.widget.contains(w) || w.contains(d.widget))) continue;
      const inside = Array.from(w.querySelectorAll(TABBABLE)).filter((x) => !x.disabled && x.tabIndex >= 0 && x.getClientRects().length);
      if (inside.some((x) => S.keys.has(x))) continue;  // the walk went through it
      if (inside.length > arg.most) continue;  // too many to leave by Tab within the presses tried
      S.deep.push({ widget: w, first: el, count: inside.length });
    }
    return S.deep.map((d) => d.count);
  }
  if (part === "deep_focus") {
    const d = S.deep[arg.k];
    d.first.focus({ preventScroll: false });
    S.widget = d.widget;
    return stop(deepActive());
  }
  if (part === "refocus_list") {
    // Tabbable elements with a focus-leaving listener of their own (added by a script, watch.js notes
    // them, or set as onblur / onfocusout), at most arg.max, in document order.
    const leaving = (window.__maturityWatch && window.__maturityWatch.leaving) || new WeakSet();
    S.refocus = tabbable().filter((el) => leaving.has(el) || el.onblur || el.onfocusout).slice(0, arg.max);
    return S.refocus.length;
  }
  if (part === "refocus_start") {
    // The element focused by script; after arg.ms (timers the last moves set off have run), whatever
    // holds focus then is where the Tab to leave starts from. Elements the page itself moved focus to
    // meanwhile (two listeners sending focus to each other, say) hold it with that one.
    const el = S.refocus[arg.k];
    const moved = new Set();
    const note = (e) => { const t = e.composedPath()[0]; if (t && t.nodeType === 1) moved.add(t); };
    document.addEventListener("focusin", note, true);
    try {
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
      el.focus({ preventScroll: false });
      await new Promise((resolve) => setTimeout(resolve, arg.ms));
    } finally {
      document.removeEventListener("focusin", note, true);
    }
    const at = deepActive();
    S.widget = null;
    S.start = at && at !== document.body && at !== document.documentElement ? at : null;
    S.held = new Set(S.start ? [S.start, ...moved] : []);
    return stop(S.start);
  }
  if (part === "refocus_read") {
    // arg.ms after a key press (the page's timers of less than that have run): where focus is. back:
    // on an element the keys had left, or before the start in document order (sent back); those
    // elements are the set focus is held in.
    await new Promise((resolve) => setTimeout(resolve, arg.ms));
    const el = deepActive();
    const now = stop(el);
    if (now.kind !== "element" || !S.start) return { ...now, back: false, held: false };
    const before = el.ownerDocument === S.start.ownerDocument && Boolean(el.compareDocumentPosition(S.start) & Node.DOCUMENT_POSITION_FOLLOWING);
    const back = S.held.has(el) || before;
    if (back && arg.grow) S.held.add(el);
    return { ...now, back, held: S.held.has(el) };
  }
  if (part === "focus_now") {
    const el = deepActive();
    // in_widget: still inside the widget the deep probe focused (S.widget), if any
    return { ...stop(el), in_widget: Boolean(el && S.widget && S.widget.contains(el) && el !== document.body) };
  }
  if (part === "modal_with_button") {
    const el = deepActive();
    const d = el && el.closest ? modalOf(el) : null;
    return Boolean(d && d.querySelector("button, [role='button'], a[href]"));
  }

  if (part === "hover_list") {
    // Controls whose neighbourhood (parent or grandparent) holds hidden content with text, and no
    // disclosure button (aria-expanded): what a hover could reveal. Each is focused first, to see what
    // focus shows; hovering follows, one control at a time, from outside.
    const hidden = (el) => { const s = getComputedStyle(el); return s.display === "none" || s.visibility === "hidden" || !el.getClientRects().length; };
    const skip = "script, style, template, noscript, option, optgroup, datalist, select, details, dialog, [aria-hidden='true']";
    const active = deepActive();
    if (active && active.blur) active.blur();  // what the keyboard walk left open closes first
    S.hover = [];
    const containers = new Set();
    const started = performance.now();
    const others = (c, el) => {  // another control shown in c (stops at the first)
      for (const o of c.querySelectorAll(TABBABLE)) if (o !== el && o.tabIndex >= 0 && o.getClientRects().length) return true;
      return false;
    };
    for (const el of tabbable().slice(0, 400)) {
      if (S.hover.length >= arg.max || performance.now() - started > 150) break;  // bounded on any page
      if (el.closest("details")) continue;
      let found = null;
      for (let c = el.parentElement, up = 0; c && up < 2 && c !== document.body; c = c.parentElement, up++) {
        if (containers.has(c)) break;
        // a small neighbourhood of this control alone: no other control shown in it
        if (c.getElementsByTagName("*").length > 200 || others(c, el)) break;
        const described = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
          .map((id) => document.getElementById(id)).filter((t) => t && hidden(t) && fold(t.textContent));
        const inside = Array.from(c.querySelectorAll("*")).slice(0, 200)
          .filter((t) => !t.matches(skip) && !t.closest(skip) && fold(t.textContent) && hidden(t) && !(t.parentElement && hidden(t.parentElement) && c.contains(t.parentElement) && t.parentElement !== c));
        const targets = [...new Set([...described, ...inside])].slice(0, 10);
        if (targets.length && !c.querySelector("[aria-expanded]")) { found = [c, targets]; break; }
      }
      if (!found) continue;
      containers.add(found[0]);
      S.hover.push({ el, targets: found[1] });
    }
    return S.hover.length;
  }
  if (part === "hover_step") {
    // arg.read: the probe whose hover result to read now (the mouse is over it); arg.next: the probe to
    // focus now, then scroll to and return the centre of (the mouse goes there next).
    const out = {};
    if (arg.read != null) {
      const p = S.hover[arg.read];
      const on = p.targets.filter(shown);
      p.onHover = on;
      out.result = { selector: cssPath(p.el), text: name(p.el), shown_on_hover: on.length,
        shown_on_focus: on.filter((t) => p.onFocus.includes(t)).length,
        revealed: cap(fold(on.map((t) => t.innerText || t.textContent).join(" ")), 100) };
    }
    if (arg.next != null) {
      const p = S.hover[arg.next];
      p.el.focus({ preventScroll: true });
      p.onFocus = p.targets.filter(shown);  // focus handlers and :focus-within rules apply at once
      p.el.blur();
      p.el.scrollIntoView({ block: "center", inline: "nearest" });
      const r = p.el.getBoundingClientRect();
      out.point = [r.left + r.width / 2, r.top + r.height / 2];
    }
    return out;
  }

  if (part === "reflow") {
    // WCAG 1.4.10 at 320 CSS px: elements with text or controls that reach past the right edge and make
    // the page scroll sideways. Content that may scroll in two dimensions (tables, code, media, maps) and
    // what sits in its own scrolling box is left out; so are elements moved off the screen on purpose.
    await frame();  // the page's own resize handlers run first
    const root = document.documentElement;
    const width = innerWidth;
    const scrollWidth = Math.max(root.scrollWidth, document.body ? document.body.scrollWidth : 0);
    const hides = (el) => el && ["hidden", "clip"].includes(getComputedStyle(el).overflowX);
    const scrolls = scrollWidth > width + 1 && !hides(root) && !hides(document.body);
    const overflowing = [];
    if (scrolls && document.body) {
      const exempt = "table, pre, code, img, picture, video, canvas, svg, iframe, object, embed, map, math, [role='application'], [role='img']";
      const scroller = (el) => {
        for (let n = el.parentElement; n && n !== document.body && n !== root; n = n.parentElement) {
          if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(n).overflowX)) return true;
        }
        return false;
      };
      for (const el of Array.from(document.body.querySelectorAll("*")).slice(0, 6000)) {
        if (overflowing.length >= 20) break;
        const r = el.getBoundingClientRect();
        if (r.right <= width + 1 || r.width <= 2 || r.left >= width) continue;
        const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && fold(n.textContent));
        const control = el.matches("a[href], button, input, select, textarea");
        if (!own && !control) continue;
        if (el.closest(exempt) || scroller(el) || getComputedStyle(el).visibility === "hidden") continue;
        // the outermost overflowing element is reported once, not each of its overflowing children
        if (overflowing.some((o) => o.el.contains(el))) continue;
        overflowing.push({ el, selector: cssPath(el), text: name(el), past: Math.round(r.right - width) });
      }
    }
    return { width, scroll_width: scrollWidth, scrolls, overflowing: overflowing.map(({ el, ...rest }) => rest) };
  }

  if (part === "cleanup") {
    if (S.marker) { S.marker.remove(); S.marker = null; }
    for (const [el, value] of S.spell || []) { if (value === null) el.removeAttribute("spellcheck"); else el.setAttribute("spellcheck", value); }
    S.spell = null;
    S.walk = null;
    S.hover = null;
    S.deep = null;
    S.widget = null;
    S.refocus = null;
    S.start = null;
    S.held = null;
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    return true;
  }
  throw new Error(`unknown part ${part}`);
}
