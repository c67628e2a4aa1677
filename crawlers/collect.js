// Runs in the page after load. Returns {document, mobile}: plain JSON facts, no judgement.
// One evaluate call gathers both, to save round trips.
() => {
  const fold = (s) => (s || "").replace(/\s+/g, " ").trim();
  const cap = (s, n) => (s.length > n ? s.slice(0, n) : s);
  const cssPath = (el) => {
    if (!(el instanceof Element)) return "";
    if (el.id && /^[A-Za-z][\w-]*$/.test(el.id)) return "#" + el.id;
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1 && parts.length < 5) {
      if (node.id && /^[A-Za-z][\w-]*$/.test(node.id)) { parts.unshift("#" + node.id); break; }
      let part = node.localName;
      const parent = node.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((c) => c.localName === node.localName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
      node = parent;
    }
    return parts.join(" > ");
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    return el.getClientRects().length > 0;
  };
  const accessibleText = (el) =>
    fold(el.innerText || el.textContent) ||
    fold(el.getAttribute("aria-label")) ||
    fold(el.getAttribute("title")) ||
    fold(Array.from(el.querySelectorAll("img[alt]")).map((i) => i.getAttribute("alt")).join(" "));
  // A link is "in text" when its block also holds other words (WCAG 2.5.8's inline exception).
  const inText = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    const block = el.closest("p, li, td, dd, blockquote, figcaption, label") || el.parentElement;
    if (!block) return false;
    const own = fold(el.textContent).length;
    return fold(block.textContent).length - own > 10;
  };

  const meta = {};
  for (const m of document.querySelectorAll("meta[name], meta[property], meta[http-equiv]")) {
    const key = (m.getAttribute("name") || m.getAttribute("property") || m.getAttribute("http-equiv")).toLowerCase();
    if (!(key in meta)) meta[key] = m.getAttribute("content") || "";
  }
  const canonical = document.querySelector("link[rel~='canonical']");
  const headings = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role='heading'][aria-level]"))
    .filter(visible)
    .map((h) => ({
      level: /^h[1-6]$/i.test(h.localName) ? Number(h.localName[1]) : Number(h.getAttribute("aria-level")) || 2,
      text: cap(fold(h.innerText || h.textContent), 200),
    }));
  const linkEls = Array.from(document.querySelectorAll("a[href], area[href]")).slice(0, 3000);
  const links = linkEls.map((a) => ({
    href: a.href,
    raw_href: cap(a.getAttribute("href") || "", 500),
    text: cap(accessibleText(a), 200),
    rel: a.getAttribute("rel") || "",
    in_text: a.localName === "a" && inText(a),
    selector: cssPath(a),
  }));
  const images = Array.from(document.querySelectorAll("img")).slice(0, 1000).map((img) => ({
    src: img.currentSrc || img.src || "",
    alt: img.hasAttribute("alt") ? img.getAttribute("alt") : null,
    selector: cssPath(img),
  }));
  const labelled = (f) =>
    Boolean((f.labels && f.labels.length) || f.getAttribute("aria-label") || f.getAttribute("aria-labelledby") || f.getAttribute("title"));
  const forms = Array.from(document.querySelectorAll("form")).slice(0, 100).map((form) => {
    const fields = Array.from(form.querySelectorAll("input, select, textarea"))
      .filter((f) => !["hidden", "submit", "button", "reset", "image"].includes((f.getAttribute("type") || "").toLowerCase()))
      .map((f) => ({
        kind: f.localName === "input" ? (f.getAttribute("type") || "text").toLowerCase() : f.localName,
        name: f.getAttribute("name") || "",
        labelled: labelled(f),
        placeholder: f.getAttribute("placeholder") || "",
      }));
    const isSearch =
      form.getAttribute("role") === "search" || Boolean(form.closest("[role='search'], search")) ||
      fields.some((f) => f.kind === "search" || /^(q|query|search|s|keys)$/i.test(f.name));
    return { action: form.action || "", method: (form.getAttribute("method") || "get").toLowerCase(), role: isSearch ? "search" : "", fields };
  });
  const count = (sel) => document.querySelectorAll(sel).length;
  const landmarks = {
    main: count("main, [role='main']"),
    nav: count("nav, [role='navigation']"),
    banner: count("body > header, [role='banner']"),
    contentinfo: count("body > footer, [role='contentinfo']"),
    search: count("search, [role='search']"),
    complementary: count("aside, [role='complementary']"),
  };
  // Skip link: the first in-page link that comes before the main content.
  const main = document.querySelector("main, [role='main']") || document.querySelector("h1");
  let skip = null, skipTarget = false;
  for (const a of document.querySelectorAll("a[href^='#']")) {
    if (main && !(a.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING)) break;
    const raw = a.getAttribute("href");
    if (raw.length < 2) continue;
    skip = raw;
    let id = raw.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* keep raw */ }
    skipTarget = Boolean(document.getElementById(id) || document.getElementsByName(id).length);
    break;
  }
  const textRoot = document.querySelector("main, [role='main']") || document.body;
  const text = cap(fold(textRoot ? textRoot.innerText : ""), 100000);

  // ---- mobile facts ----
  const targets = Array.from(document.querySelectorAll(
    "a[href], button, input:not([type='hidden']), select, textarea, [role='button'], [role='link'], [tabindex]:not([tabindex='-1'])"
  )).filter(visible).slice(0, 3000);
  const rects = targets.map((el) => el.getBoundingClientRect());
  const small = [];
  const undersized = rects.map((r) => r.width < 24 || r.height < 24);
  const distToRect = (x, y, r) => {
    const dx = Math.max(r.left - x, 0, x - r.right);
    const dy = Math.max(r.top - y, 0, y - r.bottom);
    return Math.hypot(dx, dy);
  };
  targets.forEach((el, i) => {
    if (!undersized[i]) return;
    const r = rects[i];
    if (r.width === 0 || r.height === 0) return;
    if (el.localName === "a" && inText(el)) return; // inline exception
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const crowded = rects.some((o, j) => {
      if (j === i || o.width === 0 || o.height === 0) return false;
      if (el.contains(targets[j]) || targets[j].contains(el)) return false;
      if (distToRect(cx, cy, o) < 12) return true; // our circle intersects another target
      if (undersized[j]) {
        const ox = o.left + o.width / 2, oy = o.top + o.height / 2;
        return Math.hypot(cx - ox, cy - oy) < 24; // two undersized circles intersect
      }
      return false;
    });
    if (crowded) small.push({ selector: cssPath(el), width: r.width, height: r.height, text: cap(accessibleText(el), 80) });
  });
  let chars = 0, smallChars = 0;
  if (document.body) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const n = node.textContent.replace(/\s+/g, "").length;
      const parent = node.parentElement;
      if (!n || !parent || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(parent.tagName)) continue;
      if (!parent.getClientRects().length || getComputedStyle(parent).visibility === "hidden") continue;
      chars += n;
      if (parseFloat(getComputedStyle(parent).fontSize) < 12) smallChars += n;
    }
  }
  const root = document.documentElement;
  return {
    document: {
      url: location.href,
      title: document.title === "" && !document.querySelector("title") ? null : document.title,
      lang: root.getAttribute("lang"),
      meta,
      canonical: canonical ? canonical.href : null,
      headings,
      links,
      images,
      forms,
      landmarks,
      skip_link: skip,
      skip_link_target_exists: skipTarget,
      text,
      word_count: text ? text.split(" ").length : 0,
      iframes: count("iframe, frame"),
    },
    mobile: {
      viewport_meta: meta.viewport === undefined ? null : meta.viewport,
      inner_width: window.innerWidth,
      outer_width: window.outerWidth || screen.width,
      scroll_width: Math.max(root.scrollWidth, document.body ? document.body.scrollWidth : 0),
      small_targets: small.slice(0, 200),
      targets_total: targets.length,
      text_chars_total: chars,
      text_chars_small: smallChars,
    },
  };
}
