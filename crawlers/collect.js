// Runs in the page after load. Returns {document, mobile}: plain JSON facts, no judgement.
// One evaluate call gathers both, to save round trips. Lists are capped so the cost stays flat;
// thresholds are the checks' business. The focus sample runs last: focusing may run page scripts.
() => {
  const fold = (s) => (s || "").replace(/\s+/g, " ").trim();
  // A value that is not text (a page's own getter, an SVG attribute object) reads as no text.
  const cap = (s, n) => (typeof s !== "string" ? "" : s.length > n ? s.slice(0, n) : s);
  // A link's address, resolved: an SVG <a>'s href is an SVGAnimatedString, not the URL an HTML link gives.
  const urlOf = (el) => {
    if (typeof el.href === "string") return el.href;
    try { return new URL(el.getAttribute("href") || "", document.baseURI).href; } catch (e) { return ""; }
  };
  const URL_MAX = 2000;  // a data: URL in a src can be megabytes; no check needs more than this
  // nth-of-type position of each child, computed once per parent: a parent with 20,000 links
  // would otherwise cost 20,000 steps per link.
  const positions = new Map();
  const position = (node) => {
    const parent = node.parentElement;
    let map = positions.get(parent);
    if (!map) {
      map = new Map();
      const counts = new Map();
      for (const child of parent.children) {
        const n = (counts.get(child.localName) || 0) + 1;
        counts.set(child.localName, n);
        map.set(child, n);
      }
      for (const child of parent.children) map.set(child, [map.get(child), counts.get(child.localName)]);
      positions.set(parent, map);
    }
    return map.get(node);
  };
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
        const [index, same] = position(node);
        if (same > 1) part += `:nth-of-type(${index})`;
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
  const blockLengths = new Map();  // a block's text is measured once, however many links it holds
  const inText = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    const block = el.closest("p, li, td, dd, blockquote, figcaption, label") || el.parentElement;
    if (!block) return false;
    if (!blockLengths.has(block)) blockLengths.set(block, fold(block.textContent).length);
    const own = fold(el.textContent).length;
    return blockLengths.get(block) - own > 10;
  };

  const meta = {};
  for (const m of Array.from(document.querySelectorAll("meta[name], meta[property], meta[http-equiv]")).slice(0, 200)) {
    const key = cap((m.getAttribute("name") || m.getAttribute("property") || m.getAttribute("http-equiv")).toLowerCase(), 200);
    if (!(key in meta)) meta[key] = cap(m.getAttribute("content") || "", URL_MAX);
  }
  const canonical = document.querySelector("link[rel~='canonical']");
  const headings = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role='heading'][aria-level]"))
    .slice(0, 2000)
    .filter(visible)
    .slice(0, 1000)
    .map((h) => ({
      level: /^h[1-6]$/i.test(h.localName) ? Number(h.localName[1]) : Number(h.getAttribute("aria-level")) || 2,
      text: cap(fold(h.innerText || h.textContent), 200),
    }));
  const linkEls = Array.from(document.querySelectorAll("a[href], area[href]")).slice(0, 3000);
  const links = linkEls.map((a) => ({
    href: cap(urlOf(a), URL_MAX),
    raw_href: cap(a.getAttribute("href") || "", 500),
    text: cap(accessibleText(a), 200),
    rel: a.getAttribute("rel") || "",
    in_text: a.localName === "a" && inText(a),
    selector: cssPath(a),
    role: a.getAttribute("role") || "",
    target: a.getAttribute("target") || "",
    hreflang: a.getAttribute("hreflang") || "",
  }));
  const images = Array.from(document.querySelectorAll("img")).slice(0, 1000).map((img) => ({
    src: cap(img.currentSrc || img.src || "", URL_MAX),
    alt: img.hasAttribute("alt") ? img.getAttribute("alt") : null,
    title: img.hasAttribute("title") ? cap(img.getAttribute("title"), 500) : null,
    role: cap((img.getAttribute("role") || "").trim().toLowerCase(), 40),
    aria_hidden: (img.getAttribute("aria-hidden") || "").trim().toLowerCase() === "true",
    selector: cssPath(img),
  }));
  const labelled = (f) =>
    Boolean((f.labels && f.labels.length) || f.getAttribute("aria-label") || f.getAttribute("aria-labelledby") || f.getAttribute("title"));
  const isField = (f) => !["hidden", "submit", "button", "reset", "image"].includes((f.getAttribute("type") || "").toLowerCase());
  const fieldFacts = (f) => ({
    kind: f.localName === "input" ? (f.getAttribute("type") || "text").toLowerCase() : f.localName,
    name: f.getAttribute("name") || "",
    labelled: labelled(f),
    placeholder: f.getAttribute("placeholder") || "",
  });
  const forms = Array.from(document.querySelectorAll("form")).slice(0, 100).map((form) => {
    const fields = Array.from(form.querySelectorAll("input, select, textarea")).filter(isField).map(fieldFacts);
    const isSearch =
      form.getAttribute("role") === "search" || Boolean(form.closest("[role='search'], search")) ||
      fields.some((f) => f.kind === "search" || /^(q|query|search|s|keys)$/i.test(f.name));
    return {
      action: cap(form.action || "", URL_MAX),
      method: (form.getAttribute("method") || "get").toLowerCase(),
      role: isSearch ? "search" : "",
      fields,
      selector: cssPath(form),
    };
  });
  const looseFields = Array.from(document.querySelectorAll("input, select, textarea"))
    .filter((f) => !f.form && !f.closest("form") && isField(f)).slice(0, 200).map(fieldFacts);
  // Radio buttons (and checkboxes) sharing a name: is the group named by a fieldset legend or a named group?
  const groupMap = new Map();
  for (const input of Array.from(document.querySelectorAll("input[type='radio'], input[type='checkbox']")).slice(0, 2000)) {
    const name = input.getAttribute("name");
    if (!name || getComputedStyle(input).display === "none") continue;
    const key = `${input.type}\u0000${name}\u0000${input.form ? Array.from(document.forms).indexOf(input.form) : -1}`;
    if (!groupMap.has(key)) groupMap.set(key, []);
    groupMap.get(key).push(input);
  }
  const namedGroup = (el) => {
    const fieldset = el.closest("fieldset");
    const legend = fieldset && fieldset.querySelector(":scope > legend");
    if (legend && fold(legend.textContent)) return fieldset;
    const group = el.closest("[role='group'], [role='radiogroup']");
    if (group && (fold(group.getAttribute("aria-label")) || fold(group.getAttribute("aria-labelledby")))) return group;
    return null;
  };
  const choiceGroups = [];
  for (const members of groupMap.values()) {
    if (members.length < 2 || choiceGroups.length >= 100) continue;
    const container = namedGroup(members[0]);
    choiceGroups.push({
      kind: members[0].type,
      name: cap(members[0].getAttribute("name"), 100),
      count: members.length,
      labelled: Boolean(container && members.every((m) => container.contains(m))),
      selector: cssPath(members[0]),
    });
  }
  const media = Array.from(document.querySelectorAll("video, audio")).slice(0, 50).map((m) => ({
    kind: m.localName,
    autoplay: m.autoplay,
    muted: m.muted || m.hasAttribute("muted"),
    controls: m.controls,
    loop: m.loop,
    selector: cssPath(m),
  }));
  // Render-blocking resources: the browser's own verdict when it gives one, else the classic rule
  // (stylesheets for this medium, and scripts that are neither async, deferred nor modules, in <head>).
  const timing = performance.getEntriesByType("resource");
  let renderBlocking;
  if (timing.length && "renderBlockingStatus" in timing[0]) {
    renderBlocking = timing.filter((e) => e.renderBlockingStatus === "blocking").slice(0, 100)
      .map((e) => ({ url: cap(e.name, URL_MAX), kind: e.initiatorType === "script" ? "script" : "stylesheet" }));
  } else {
    renderBlocking = [];
    for (const el of document.head ? document.head.querySelectorAll("link[rel~='stylesheet'][href], script[src]") : []) {
      if (el.localName === "link" && !el.disabled && (!el.media || matchMedia(el.media).matches)) {
        renderBlocking.push({ url: cap(el.href, URL_MAX), kind: "stylesheet" });
      } else if (el.localName === "script" && !el.async && !el.defer && el.type !== "module") {
        renderBlocking.push({ url: cap(el.src, URL_MAX), kind: "script" });
      }
    }
  }
  let usaClasses = 0;
  for (const el of Array.from(document.querySelectorAll("[class*='usa-']")).slice(0, 5000)) {
    if (Array.from(el.classList).some((c) => c.startsWith("usa-"))) usaClasses++;
  }
  // Shared layout: a short hash of the text of the site header, the first navigation and the footer.
  const hash = (str) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < str.length; i++) { h ^= str.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return (h >>> 0).toString(16);
  };
  const outside = "main, article, aside, section, [role='main']";
  const region = (role, tag) => {
    const el = document.querySelector(`[role='${role}']`) ||
      Array.from(document.querySelectorAll(tag)).find((e) => !e.closest(outside) && visible(e));
    return el ? hash(fold(el.innerText || el.textContent)) : "";
  };
  const template = { header: region("banner", "header"), nav: region("navigation", "nav"), footer: region("contentinfo", "footer") };
  const alternates = Array.from(document.querySelectorAll("link[rel~='alternate'][hreflang]")).slice(0, 100)
    .map((l) => ({ hreflang: cap(l.getAttribute("hreflang") || "", 100), href: cap(l.href, URL_MAX) }));
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
  // Text outside the main content: what sits beside main and beside each of its ancestors.
  let otherText = "";
  if (textRoot && textRoot !== document.body && document.body) {
    const parts = [];
    for (let node = textRoot; node && node !== document.body && node.parentElement; node = node.parentElement) {
      for (const sibling of node.parentElement.children) {
        if (sibling !== node && !["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(sibling.tagName)) parts.push(sibling.innerText || "");
      }
    }
    otherText = cap(fold(parts.join(" ")), 5000);
  }

  // ---- barrier facts: tables, form wiring, links and buttons, clickables (judged by the checks) ----
  // Each part is gathered on its own: one that throws leaves its field null ("not gathered"), never the page.
  const attempt = (fn) => { try { return fn(); } catch (e) { return null; } };
  // How many candidates each check had to look at: with none, a check has nothing to judge (not a pass).
  const examined = {};
  const ownText = (el) => fold(el ? el.textContent : "");
  const byIds = (ids) => fold((ids || "").split(/\s+/).filter(Boolean)
    .map((id) => { const t = document.getElementById(id); return t ? t.textContent : ""; }).join(" "));
  // A control's text, walked as the browser reads it: text nodes, a space after each box that is not
  // inline, what is hidden from assistive technology left out. As its name from content (shown false):
  // a child's aria-label and an image's alt count. As what a sighted user reads (shown true): they do
  // not, nor do the glyphs of icon fonts (a ligature such as "search" drawn as a magnifier is no label)
  // or text for screen readers only (a box of 1 px or less, as the "visually hidden" classes of design
  // systems make it).
  const ICON_FONT = /icon|symbol|awesome|glyph|fontello/i;
  const walkText = (el, shown) => {
    let out = "";
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === 3) { out += child.textContent; continue; }
        if (child.nodeType !== 1 || child.getAttribute("aria-hidden") === "true") continue;
        if (["script", "style", "template", "noscript"].includes(child.localName)) continue;
        const cs = getComputedStyle(child);
        if (cs.display === "none" || cs.visibility === "hidden") continue;
        if (shown) {
          if (ICON_FONT.test(cs.fontFamily)) continue;
          const box = child.getBoundingClientRect();
          if (box.width <= 1 && box.height <= 1 && cs.position === "absolute") continue;  // for screen readers only
        } else {
          const label = child.getAttribute("aria-label");
          if (label && fold(label)) { out += " " + label + " "; continue; }
          if (child.localName === "img" || (child.localName === "input" && child.type === "image")) {
            out += " " + (child.getAttribute("alt") || "") + " ";
            continue;
          }
        }
        walk(child);
        if (cs.display !== "inline") out += " ";
      }
    };
    walk(el);
    return fold(out);
  };
  // An accessible name close to the browser's: aria-labelledby, aria-label, content (text and
  // image alternatives), then title. Good enough to tell "»" from "Next page".
  const contentName = (el) => walkText(el, false);
  const ownName = (el) =>
    byIds(el.getAttribute("aria-labelledby")) || fold(el.getAttribute("aria-label")) || contentName(el);
  const nameOf = (el) => ownName(el) || fold(el.getAttribute("title"));
  // A link's name, and its title attribute apart (a title that only repeats the name adds nothing).
  const linkNames = attempt(() => linkEls.map((a) => {
    const own = ownName(a);
    const title = a.hasAttribute("title") ? cap(fold(a.getAttribute("title")), 200) : null;
    return { name: cap(own || title || "", 200), title, fromTitle: !own && Boolean(title), hidden: !visible(a) };
  }));
  if (linkNames) links.forEach((link, i) => {
    const n = linkNames[i];
    link.name = n.name;
    link.title = n.title;
    link.name_from_title = n.fromTitle;
    link.hidden = n.hidden;
  });

  // Header cells that name no cell (HTML's table model; the W3C's ACT rule d0f69e), of a table's cells
  // placed in its grid ({cell, r, start, span, down, header, column, listed, foot}; at most 5000, else
  // null: too many to read): a column header with no cell below it in its columns, a row header with
  // none after it in its rows. A cell with a headers attribute is named only by the header cells it
  // lists, wherever they are. A footer's headers (totals) are left alone, and so is a table of headers
  // only (nothing to name; the ACT rule names it as an edge case where WCAG may still be met).
  const overlap = (a, n, b, m) => a < b + m && b < a + n;
  const names = (h, p) => {
    if (p === h) return false;
    if (p.listed) return Boolean(h.cell.id) && p.listed.includes(h.cell.id);
    return h.column ? p.r >= h.r + h.down && overlap(p.start, p.span, h.start, h.span)
      : p.start >= h.start + h.span && overlap(p.r, p.down, h.r, h.down);
  };
  const namingNothing = (placed) => {
    if (placed.length >= 5000) return null;
    if (!placed.some((p) => !p.header)) return [];
    return placed.filter((h) => h.header && !h.foot && !placed.some((p) => names(h, p)))
      .slice(0, 10).map((h) => cap(fold(h.cell.textContent), 60));
  };
  const tables = attempt(() => Array.from(document.querySelectorAll("table")).slice(0, 200).filter(visible).map((t) => {
    const rows = Array.from(t.rows).slice(0, 1000);
    const occupied = [];  // column -> rows still covered by a rowspan from above
    const widths = [];
    const placed = [];  // every cell: where it sits in the grid, and whether it is a header, of a column
    let headerCells = 0, columnHeaders = 0, rowHeaders = 0, noScope = 0, innerNoScope = 0, headersAttr = false, cellCount = 0, bordered = 0;
    rows.forEach((row, r) => {
      let carried = 0;
      for (const n of occupied) if (n > 0) carried++;
      let col = 0, own = 0;
      const inHead = row.parentElement && row.parentElement.localName === "thead";
      const inFoot = row.parentElement && row.parentElement.localName === "tfoot";
      // a row of headers (an empty corner cell first aside) holds column headers; a row header followed by
      // empty data cells stays a row header
      const allHeaders = Array.from(row.cells).every((x, i) => x.localName === "th" || (i === 0 && x.localName === "td" && !fold(x.textContent)));
      let seenHeader = false;  // a header cell came before this one in the row
      Array.from(row.cells).forEach((cell) => {
        while (occupied[col] > 0) col++;
        const start = col;
        const span = Math.max(1, Math.min(cell.colSpan || 1, 1000));
        const down = cell.rowSpan === 0 ? rows.length - r : Math.max(1, cell.rowSpan || 1);
        for (let k = col; k < col + span; k++) occupied[k] = down;
        col += span;
        own += span;
        cellCount++;
        const role = (cell.getAttribute("role") || "").toLowerCase();
        // a <th> given another role (role="cell") is no header
        const header = role === "columnheader" || role === "rowheader" || (cell.localName === "th" && !role);
        const listed = cell.hasAttribute("headers") ? (cell.getAttribute("headers") || "").split(/\s+/).filter(Boolean) : null;
        const spot = { cell, r, start, span, down, header, column: false, listed, foot: inFoot };
        if (placed.length < 5000) placed.push(spot);
        if (listed) headersAttr = true;
        if (header) {
          headerCells++;
          // Which way it points: its role or scope; else a row of headers (or <thead>) holds column
          // headers, and the first header of a row of data cells is a row header (in the first column,
          // or after a data cell such as a line number).
          const scope = (cell.getAttribute("scope") || "").trim().toLowerCase();
          const column = role === "columnheader" || scope.startsWith("col") ||
            (!role && !scope.startsWith("row") && (inHead || allHeaders || seenHeader));
          spot.column = column;
          if (column) columnHeaders++;
          else rowHeaders++;
          if (cell.localName === "th" && !["row", "col", "rowgroup", "colgroup"].includes(scope)) {
            noScope++;
            if (r > 0 && start > 0) innerNoScope++;  // neither in the first row nor in the first column
          }
          seenHeader = true;
        }
        if (cellCount <= 40) {
          const s = getComputedStyle(cell);
          const edge = (w, st) => parseFloat(w) > 0 && st !== "none" && st !== "hidden";
          if (edge(s.borderTopWidth, s.borderTopStyle) || edge(s.borderBottomWidth, s.borderBottomStyle) ||
              edge(s.borderLeftWidth, s.borderLeftStyle) || edge(s.borderRightWidth, s.borderRightStyle)) bordered++;
        }
      });
      widths.push(carried + own);
      for (let k = 0; k < occupied.length; k++) if (occupied[k] > 0) occupied[k]--;
    });
    const columns = widths.length ? Math.max(...widths) : 0;
    const ragged = [];
    widths.forEach((w, i) => { if (w && w !== columns && ragged.length < 20) ragged.push(i); });  // an empty <tr> holds no value
    // Alternating row backgrounds (zebra stripes) over the first rows of the body.
    const backgrounds = rows.slice(0, 12).map((row) => {
      const own = getComputedStyle(row).backgroundColor;
      return own && own !== "rgba(0, 0, 0, 0)" ? own : (row.cells[0] ? getComputedStyle(row.cells[0]).backgroundColor : "");
    }).filter((_, i) => !(rows[i].parentElement && rows[i].parentElement.localName === "thead"));
    const striped = backgrounds.length >= 4 && backgrounds.every((b, i) =>
      (i + 2 >= backgrounds.length || b === backgrounds[i + 2]) && (i + 1 >= backgrounds.length || b !== backgrounds[i + 1]));
    const captionEl = t.caption;
    const outer = t.parentElement ? t.parentElement.closest("th, table") : null;
    return {
      selector: cssPath(t),
      role: cap((t.getAttribute("role") || "").trim().toLowerCase(), 40),
      rows: rows.length,
      columns,
      ragged_rows: ragged,
      header_cells: headerCells,
      column_headers: columnHeaders,
      row_headers: rowHeaders,
      headers_without_scope: noScope,
      inner_headers_without_scope: innerNoScope,
      headers_naming_nothing: namingNothing(placed),
      headers_attr: headersAttr,
      caption: captionEl ? cap(ownText(captionEl), 200) : null,
      summary: cap(fold(t.getAttribute("summary")), 200),
      sections: Boolean(t.tHead || t.tFoot),
      nested_in: outer ? outer.localName : "",
      contains_table: Boolean(t.querySelector("table")),
      bordered: cellCount > 0 && bordered * 2 >= Math.min(cellCount, 40),
      striped,
      name: cap(byIds(t.getAttribute("aria-labelledby")) || fold(t.getAttribute("aria-label")) || fold(t.getAttribute("title")), 200),
      snippet: cap(fold(t.innerText), 120),
    };
  }));

  // Tables and grids made with ARIA roles (role=table, grid or treegrid on an element that is not a
  // <table>): their header cells that name no cell (namingNothing, as for <table>s). A columnheader
  // names the cells below it in its column, a rowheader those after it in its row; columns by
  // aria-colindex where given, else by order.
  const ARIA_TABLE = "[role='table'], [role='grid'], [role='treegrid']";
  const ariaTables = attempt(() => Array.from(document.querySelectorAll(ARIA_TABLE)).filter((t) => t.localName !== "table")
    .slice(0, 100).filter(visible).map((t) => {
      const rows = Array.from(t.querySelectorAll("[role='row']")).filter((r) => r.closest(ARIA_TABLE) === t).slice(0, 1000);
      const placed = [];
      rows.forEach((row, r) => {
        let col = 0;
        for (const cell of row.querySelectorAll("[role='cell'], [role='gridcell'], [role='columnheader'], [role='rowheader']")) {
          if (cell.closest("[role='row']") !== row || placed.length >= 5000) continue;
          const index = parseInt(cell.getAttribute("aria-colindex") || "", 10);
          if (index > 0) col = index - 1;
          const role = cell.getAttribute("role");
          const header = role === "columnheader" || role === "rowheader";
          // one grid position each: no spans, no headers attribute, no footer in an ARIA table
          placed.push({ cell, r, start: col, span: 1, down: 1, header, column: role === "columnheader", listed: null, foot: false });
          col++;
        }
      });
      return {
        selector: cssPath(t), rows: rows.length, header_cells: placed.filter((p) => p.header).length,
        headers_naming_nothing: namingNothing(placed),
        snippet: cap(fold(t.innerText), 120),
      };
    }).filter((t) => t.header_cells > 0));

  const labelable = (el) => el && (["select", "textarea", "button", "meter", "output", "progress"].includes(el.localName) ||
    (el.localName === "input" && (el.getAttribute("type") || "").toLowerCase() !== "hidden"));
  const isControl = (el) => labelable(el) && !["button", "meter", "output", "progress"].includes(el.localName) &&
    !["submit", "button", "reset", "image"].includes((el.getAttribute("type") || "").toLowerCase());
  const fieldsets = attempt(() => Array.from(document.querySelectorAll("fieldset")).slice(0, 200).filter(visible)
    .filter((f) => Array.from(f.querySelectorAll("input, select, textarea")).some(isControl)).map((f) => {
      const legend = f.querySelector(":scope > legend");
      return { selector: cssPath(f), legend: legend ? cap(contentName(legend), 200) : null };
    }));
  const named = new Set();  // controls a label before named: a second label for one is "shared"
  const brokenLabels = attempt(() => Array.from(document.querySelectorAll("label[for]")).slice(0, 1000).filter(visible)
    .map((label) => {
      const target = document.getElementById(label.htmlFor);
      let problem = !label.htmlFor.trim() ? "empty" : !target ? "missing" : !labelable(target) ? "not-labelable" : "";
      if (!problem && named.has(target)) problem = "shared";
      if (!problem) named.add(target);
      return { selector: cssPath(label), target: cap(label.htmlFor, 200), text: cap(ownText(label), 200), problem };
    }).filter((l) => l.problem));
  const controls = attempt(() => Array.from(document.querySelectorAll("input, select, textarea")).slice(0, 2000)
    .filter((f) => isControl(f) && visible(f)).slice(0, 500));
  // Hints and error messages, as design systems and frameworks mark them, beside one field.
  const HINT = /(^|[-_])(hint|help|helptext|help-text|help-block|form-text|description|instructions?)($|[-_])/i;
  const ERROR = /(^|[-_])(error|errors|error-message|error-text|invalid-feedback|field-validation-error|validation-message)($|[-_])/i;
  const hints = attempt(() => {
    const out = [];
    if (!controls) return out;
    const seen = new Set();
    const describedGroups = Array.from(document.querySelectorAll(
      "fieldset[aria-describedby], [role='group'][aria-describedby], [role='radiogroup'][aria-describedby]")).slice(0, 200);
    for (const el of Array.from(document.querySelectorAll("[class]")).slice(0, 20000)) {
      if (out.length >= 100) break;
      const classes = Array.from(el.classList);
      const kind = classes.some((c) => ERROR.test(c)) ? "error" : classes.some((c) => HINT.test(c)) ? "hint" : "";
      if (!kind || seen.has(el) || !visible(el) || !ownText(el)) continue;
      if (el.matches("input, select, textarea, button, label, legend, form, fieldset") || el.closest("label, legend")) continue;
      if (el.querySelector("input, select, textarea")) continue;  // a wrapper, not the message
      if (el.matches("a, button") || el.querySelector("a, button")) continue;  // a link or a summary of links, not a hint
      // The group it belongs to: the nearest ancestor holding exactly one field.
      let group = el.parentElement, field = null;
      while (group && group !== document.body) {
        const inside = Array.from(group.querySelectorAll("input, select, textarea")).filter(isControl);
        if (inside.length === 1) { field = inside[0]; break; }
        if (inside.length > 1) break;
        group = group.parentElement;
      }
      if (!field) continue;
      // The field's own references, and those of the fieldset or group around it.
      const holders = [field, ...describedGroups.filter((g) => g.contains(field))];
      const refs = holders.flatMap((h) => `${h.getAttribute("aria-describedby") || ""} ${h.getAttribute("aria-errormessage") || ""} ${h.getAttribute("aria-labelledby") || ""}`
        .split(/\s+/)).filter(Boolean).map((id) => document.getElementById(id)).filter(Boolean);
      const associated = refs.some((r) => r === el || r.contains(el) || el.contains(r));
      for (const d of el.querySelectorAll("[class]")) seen.add(d);
      out.push({ selector: cssPath(el), field: cssPath(field), kind, text: cap(ownText(el), 200), associated });
    }
    return out;
  });
  const EXPLAINS = /\*[^.]{0,40}\b(required|mandatory|must)\b|\b(required|mandatory)\b[^.]{0,60}(\*|asterisk)|asterisk/i;
  const explains = new Map();  // form (or body) -> whether its text says what the asterisk means
  const requiredMarks = attempt(() => (controls || []).map((f) => [f, fold(Array.from(f.labels || []).map((l) => l.textContent).join(" "))])
    .filter(([, text]) => /\*/.test(text)).slice(0, 200).map(([f, text]) => {
      const required = f.required || (f.getAttribute("aria-required") || "").toLowerCase() === "true";
      // Does the form (or the page) say what the asterisk means, as technique H90 asks?
      const scope = f.form || f.closest("form") || document.body;
      if (!explains.has(scope)) explains.set(scope, EXPLAINS.test(fold(scope.innerText)));
      return { selector: cssPath(f), label: cap(text, 200), asterisk: true, says_required: /\brequired\b/i.test(text), required, explained: explains.get(scope) };
    }));
  const CONTEXT = /(\.submit\s*\(|\blocation\b|window\.open|\.href\s*=|\bnavigate\s*\()/;
  const contextChanges = attempt(() => {
    const out = [];
    for (const el of Array.from(document.querySelectorAll("[onchange], [oninput], [onfocus], [onfocusin]")).slice(0, 500)) {
      if (!el.matches("select, input, textarea, form, fieldset")) continue;
      for (const ev of ["onchange", "oninput", "onfocus", "onfocusin"]) {
        const code = el.getAttribute(ev);
        if (code && CONTEXT.test(code) && out.length < 100) out.push({ selector: cssPath(el), event: ev.slice(2), code: cap(fold(code), 200) });
      }
    }
    return out;
  });
  const imageButtons = attempt(() => Array.from(document.querySelectorAll("input[type='image' i], button, [role='button']"))
    .slice(0, 2000).filter(visible).filter((b) => {
      if (b.localName === "input") return true;
      return !fold(b.innerText) && b.querySelector("img");
    }).slice(0, 200).map((b) => {
      const img = b.localName === "input" ? b : b.querySelector("img");
      return {
        selector: cssPath(b),
        kind: b.localName === "input" ? "input" : "button",
        // an image input is named by aria-labelledby, aria-label, then alt, before its title
        name: cap(b.localName === "input"
          ? byIds(b.getAttribute("aria-labelledby")) || fold(b.getAttribute("aria-label")) || fold(b.getAttribute("alt")) || fold(b.getAttribute("title"))
          : nameOf(b), 200),
        src: cap(img.currentSrc || img.src || img.getAttribute("src") || "", URL_MAX),
      };
    }));
  // Controls named from their content (links, buttons, tabs, menu items ...) that are given a name of
  // their own (aria-labelledby, aria-label): what they show (walkText's shown text) beside what they
  // are called (WCAG 2.5.3).
  const NAMED_FROM_CONTENT = "a[href], button, input[type='submit' i], input[type='button' i], input[type='reset' i], " +
    "[role='button'], [role='link'], [role='menuitem'], [role='menuitemcheckbox'], [role='menuitemradio'], [role='tab'], " +
    "[role='checkbox'], [role='radio'], [role='switch'], [role='option'], [role='treeitem']";
  const shownText = (el) => {
    if (el.localName === "input") return fold(el.value);
    return ICON_FONT.test(getComputedStyle(el).fontFamily) ? "" : walkText(el, true);
  };
  const labelledControls = attempt(() => {
    const out = [];
    for (const el of Array.from(document.querySelectorAll(NAMED_FROM_CONTENT)).slice(0, 3000)) {
      if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) continue;
      const name = byIds(el.getAttribute("aria-labelledby")) || fold(el.getAttribute("aria-label"));
      if (!name || !visible(el)) continue;
      const text = shownText(el);
      if (!text) continue;
      out.push({ selector: cssPath(el), text: cap(text, 200), name: cap(name, 200) });
      if (out.length >= 200) break;
    }
    return out;
  });
  // Links to the same address with nothing but white space between them (an icon link beside its text link).
  const SEPARATE = "body, main, header, footer, nav, section, article, aside, ul, ol, dl, table, tbody, thead, tr, form, " +
    "[role='main'], [role='navigation'], [role='banner'], [role='contentinfo'], [role='region'], [role='list']";
  const adjacentLinks = attempt(() => {
    const out = [];
    const range = document.createRange();
    for (let i = 1; i < linkEls.length && out.length < 100; i++) {
      const prev = linkEls[i - 1], cur = linkEls[i];
      if (!urlOf(prev) || urlOf(prev) !== urlOf(cur) || prev.localName !== "a" || cur.localName !== "a") continue;
      if (prev.contains(cur) || cur.contains(prev) || !visible(prev) || !visible(cur)) continue;
      // One place on the page (a paragraph, a card, a cell), not the last link of one region and the
      // first of the next, nor two items of a list.
      let common = prev.parentElement;
      while (common && !common.contains(cur)) common = common.parentElement;
      if (!common || common.matches(SEPARATE)) continue;
      range.setStartAfter(prev);
      range.setEndBefore(cur);
      if (fold(range.toString())) continue;
      const between = range.cloneContents();
      if (between.querySelector && between.querySelector("img, svg, input, button, select, textarea, a")) continue;
      out.push({ selector: cssPath(cur), previous: cssPath(prev), href: cap(urlOf(cur), URL_MAX),
        text: cap(nameOf(prev), 100) + " | " + cap(nameOf(cur), 100) });
    }
    return out;
  });
  // Elements that act on a click but cannot take keyboard focus: an inline onclick on a non-interactive
  // element, or a widget role without a tabindex, that is not inside (and does not hold) a native control.
  const NATIVE = "a[href], area[href], button, input, select, textarea, summary, label, option, iframe, audio[controls], video[controls], [contenteditable='true'], [tabindex]";
  const clickables = attempt(() => {
    const out = [];
    const found = Array.from(document.querySelectorAll("[onclick], [role='button'], [role='link'], [role='checkbox'], [role='switch']"));
    examined.clickables = found.filter((el) => el !== document.body && el !== document.documentElement).length;
    for (const el of found.slice(0, 1000)) {
      if (out.length >= 100) break;
      if (el.matches(NATIVE) || el.closest(NATIVE) || el.querySelector(NATIVE) || el === document.body || el === document.documentElement) continue;
      if (el.getAttribute("aria-disabled") === "true" || el.closest("[aria-hidden='true'], [inert]") || !visible(el)) continue;
      const role = (el.getAttribute("role") || "").toLowerCase();
      out.push({ selector: cssPath(el), tag: el.localName, role, text: cap(nameOf(el), 100),
        reason: el.hasAttribute("onclick") ? "onclick" : `role=${role}` });
    }
    return out;
  });

  // Focusable elements a screen reader announces with no role: tabindex on a generic element.
  const GENERIC = new Set(["div", "span", "p", "i", "b", "em", "strong", "small", "font", "td", "li", "section", "article", "img"]);
  const roleless = attempt(() => Array.from(document.querySelectorAll("[tabindex]")).slice(0, 2000).filter((el) => {
    if (el.tabIndex >= 0) examined.tabindex = (examined.tabindex || 0) + 1;
    if (el.tabIndex < 0 || !GENERIC.has(el.localName)) return false;
    if (el.isContentEditable) return false;
    const role = (el.getAttribute("role") || "").trim().toLowerCase();
    if (role && !["presentation", "none", "generic"].includes(role)) return false;
    if (el.localName === "img" && el.getAttribute("alt")) return false;  // an image with a name has a role
    if (["section", "article", "li", "td"].includes(el.localName) && !role) return false;  // implicit roles
    if (!visible(el)) return false;
    const s = getComputedStyle(el);  // a scrolling region takes focus so it can be scrolled by keyboard
    if (/(auto|scroll)/.test(s.overflowX + s.overflowY) && (el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth)) return false;
    return true;
  }).slice(0, 100).map((el) => ({ selector: cssPath(el), tag: el.localName, role: (el.getAttribute("role") || "").toLowerCase(),
    text: cap(nameOf(el), 100), reason: `tabindex=${el.getAttribute("tabindex")}` })));
  // Elements a tabindex above 0 moves ahead of the rest of the tab order (WCAG failure F44).
  const positiveTab = attempt(() => Array.from(document.querySelectorAll("[tabindex]")).slice(0, 2000)
    .filter((el) => el.tabIndex > 0 && !el.disabled && visible(el)).slice(0, 100)
    .map((el) => ({ selector: cssPath(el), tag: el.localName, role: (el.getAttribute("role") || "").toLowerCase(),
      text: cap(nameOf(el), 100), reason: `tabindex=${el.getAttribute("tabindex")}` })));
  // Every style rule of the page's own sheets (another origin's cannot be read), at most 20,000, each
  // with the orientation media query it sits in ("" outside one): walked once for the facts below.
  const styleRules = attempt(() => {
    const out = [];
    const walk = (list, media) => {
      for (const rule of Array.from(list || [])) {
        if (out.length > 20000) return;
        if (rule.selectorText) out.push([rule, media]);
        else if (rule.cssRules) {  // @media, @supports, @layer
          const text = rule.media ? rule.media.mediaText : (rule.conditionText || "");
          walk(rule.cssRules, media || (/orientation/i.test(text) ? text : ""));
        }
      }
    };
    for (const sheet of Array.from(document.styleSheets)) {
      let list = null;
      try { list = sheet.cssRules; } catch (e) { continue; }
      walk(list, "");
    }
    return out;
  });  // null when the walk failed: the facts below are then not gathered either
  // The page or its body turned by a quarter turn only in one orientation (an @media (orientation)
  // rule's transform or rotate, against the same element's rotation outside such rules): the page
  // locks itself to one orientation by counter-rotating (WCAG 1.3.4; the W3C's ACT rule b33eff).
  const orientationLocks = attempt(() => {
    const found = [];
    const angleOf = (style) => {
      let turn = 0;
      const t = style.getPropertyValue("transform");
      if (t && t !== "none") {
        try { const m = new DOMMatrix(t); turn += Math.atan2(m.b, m.a) * 180 / Math.PI; } catch (e) { return null; }
      }
      const r = style.getPropertyValue("rotate").trim();
      if (r && r !== "none") {
        const parts = r.split(/\s+/);
        const axis = parts.slice(0, -1).join(" ");
        if (axis && !["z", "0 0 1"].includes(axis)) return turn;  // a turn about x or y is no turn of the page
        try { const m = new DOMMatrix(`rotate(${parts[parts.length - 1]})`); turn += Math.atan2(m.b, m.a) * 180 / Math.PI; }
        catch (e) { return null; }
      }
      return t || r ? turn : null;
    };
    const targets = [document.documentElement, document.body].filter((el) => el && visible(el));
    const base = new Map(), locked = [];
    for (const [rule, media] of styleRules) {
      const angle = angleOf(rule.style);
      if (angle === null) continue;
      for (const el of targets) {
        let hit = false;
        try { hit = el.matches(rule.selectorText); } catch (e) { /* a selector this browser cannot read */ }
        if (!hit) continue;
        if (media) locked.push([el, media, angle]);
        else base.set(el, angle);
      }
    }
    examined.orientation_rules = locked.length;
    for (const [el, media, angle] of locked) {
      const turn = Math.abs(((angle - (base.get(el) || 0)) % 180 + 180) % 180);
      if (turn > 45 && turn < 135 && found.length < 10) {
        found.push({ selector: el.localName, media: cap(media, 200), degrees: Math.round((angle - (base.get(el) || 0)) * 10) / 10 });
      }
    }
    return found;
  });
  // Content a :hover rule reveals with no :focus or :focus-within rule revealing it too (same-origin sheets).
  const hoverOnly = attempt(() => {
    const rules = styleRules.map(([rule]) => rule);
    const parts = (rule) => rule.selectorText.split(",").map((p) => p.trim());
    const reveals = (st) => (st.display && st.display !== "none") || st.visibility === "visible" ||
      (st.opacity !== "" && parseFloat(st.opacity) > 0);
    const focusParts = new Set();
    for (const r of rules) for (const p of parts(r)) if (/:focus(-within|-visible)?\b/.test(p)) focusParts.add(p.replace(/:focus(-within|-visible)?\b/g, ":X"));
    const out = [];
    for (const r of rules) {
      if (out.length >= 50) break;
      if (!reveals(r.style)) continue;
      for (const p of parts(r)) {
        const m = /^(.*?):hover(\s*[\s>+~]\s*)(.+)$/.exec(p);
        if (!m) continue;
        examined.hover_rules = (examined.hover_rules || 0) + 1;
        if (focusParts.has(p.replace(/:hover\b/g, ":X"))) continue;
        // The same rule shows the same content for a class a script sets (a menu opened on focus or
        // click, as Superfish's li.sfHover): a keyboard path exists that this check cannot follow.
        const tail = m[2].trim() + " " + m[3];
        if (parts(r).some((q) => q !== p && !/:hover\b/.test(q) && q.replace(/\s+/g, " ").endsWith(tail.replace(/\s+/g, " ").trim()))) continue;
        let target = null;
        try { target = document.querySelector(m[1] + m[2] + m[3].replace(/:hover\b/g, "")); } catch (e) { continue; }
        if (!target || visible(target) && getComputedStyle(target).opacity !== "0") continue;  // shown anyway
        let anchor = null;
        try { anchor = document.querySelector(m[1].replace(/:hover\b/g, "")); } catch (e) { /* */ }
        // A disclosure button that controls it, or one in what is hovered, opens it by keyboard.
        if ((target.id && document.querySelector(`[aria-controls~="${CSS.escape(target.id)}"]`)) ||
            (anchor && anchor.querySelector("[aria-expanded]"))) continue;
        out.push({ selector: cssPath(target), rule: cap(p, 200), anchor: anchor ? cssPath(anchor) : "",
          links: target.querySelectorAll("a[href], button, input, select, textarea").length, text: cap(fold(target.textContent), 100) });
        break;
      }
    }
    return out;
  });
  // Blocks of text in a right-to-left script whose direction is left-to-right.
  const RTL = /[\u0590-\u05FF\u0600-\u06FF\u0700-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/g;
  const LETTER = /\p{L}/gu;
  const rtlText = attempt(() => {
    const out = [];
    if (!document.body) return out;
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode()) && out.length < 50) {
      const t = node.textContent;
      if (!RTL.test(t)) { RTL.lastIndex = 0; continue; }
      RTL.lastIndex = 0;
      const block = node.parentElement && (node.parentElement.closest("p, li, td, th, dd, dt, blockquote, h1, h2, h3, h4, h5, h6, figcaption, label, div") || node.parentElement);
      if (!block || seen.has(block) || !visible(block)) continue;
      seen.add(block);
      const text = fold(block.textContent);
      const letters = (text.match(LETTER) || []).length, rtl = (text.match(RTL) || []).length;
      if (letters < 20 || rtl * 10 < letters * 6) continue;  // at least 20 letters, 60 % of them right-to-left
      let isRtl;
      try { isRtl = block.matches(":dir(rtl)"); } catch (e) { isRtl = getComputedStyle(block).direction === "rtl"; }
      out.push({ selector: cssPath(block), snippet: cap(text, 120), rtl: isRtl, lang: (block.closest("[lang]") || document.documentElement).getAttribute("lang") || "" });
    }
    return out;
  });
  // Audio players, and whether a transcript is offered beside them.
  const audioFacts = attempt(() => Array.from(document.querySelectorAll("audio")).slice(0, 50).map((a) => {
    let near = a.parentElement, transcript = false;
    for (let i = 0; near && i < 3 && !transcript; i++, near = near.parentElement) {
      transcript = /transcript|transcripci|texto de la grabaci/i.test(near.textContent || "") ||
        Array.from(near.querySelectorAll("a[href]")).some((l) => /transcript/i.test(l.getAttribute("href")));
      if (near.matches("main, body, article, section")) break;
    }
    return { selector: cssPath(a), controls: a.controls, transcript };
  }));

  // Passages of running text (20 words or more) with the language they inherit or declare.
  const PASSAGE = "p, li, blockquote, td, th, dd, dt, figcaption, caption, h1, h2, h3, h4, h5, h6";
  const passages = attempt(() => {
    const out = [];
    if (!document.body) return out;
    for (const el of Array.from(document.body.querySelectorAll(PASSAGE)).slice(0, 3000)) {
      if (out.length >= 100) break;
      if (el.querySelector(PASSAGE) || !visible(el)) continue;  // the innermost blocks only
      const text = fold(el.innerText);
      if (text.split(" ").length < 20) continue;
      const holder = el.closest("[lang]");
      out.push({ selector: cssPath(el), lang: cap(holder ? holder.getAttribute("lang") : "", 40), own: el.hasAttribute("lang"), text: cap(text, 600) });
    }
    return out;
  });

  // ---- technology signals: raw markers of content management systems (named by the checks, not here) ----
  const tech = attempt(() => {
    const generator = Array.from(document.querySelectorAll("meta[name='generator' i]")).slice(0, 10)
      .map((m) => cap(fold(m.getAttribute("content")), 200));
    const classes = cap(fold(`${document.documentElement.getAttribute("class") || ""} ${document.body ? document.body.getAttribute("class") || "" : ""}`), 1000);
    const attributes = new Set();
    for (const el of Array.from(document.querySelectorAll("*")).slice(0, 5000)) {
      for (const a of el.getAttributeNames()) {
        if (a.startsWith("data-") || a.includes(":")) attributes.add(a.split("-").slice(0, 2).join("-"));
        if (attributes.size >= 200) break;
      }
    }
    const ids = document.body ? Array.from(document.body.querySelectorAll("[id]")).slice(0, 300).map((e) => cap(e.id, 60)) : [];
    const probes = { "Drupal": () => window.Drupal, "drupalSettings": () => window.drupalSettings, "Joomla": () => window.Joomla,
      "wp.emoji": () => window.wp && window.wp.emoji, "wpApiSettings": () => window.wpApiSettings,
      "Static.SQUARESPACE_CONTEXT": () => window.Static && window.Static.SQUARESPACE_CONTEXT,
      "wixBiSession": () => window.wixBiSession, "Sitecore": () => window.Sitecore, "CQ": () => window.CQ,
      "Granite": () => window.Granite, "CivicPlus": () => window.CivicPlus };
    const globals = Object.keys(probes).filter((k) => { try { return Boolean(probes[k]()); } catch (e) { return false; } });
    const assets = Array.from(document.querySelectorAll("script[src], link[href], img[src], iframe[src], form[action]"))
      .slice(0, 500).map((e) => cap(e.getAttribute("src") || e.getAttribute("href") || e.getAttribute("action") || "", 300));
    return { generator, classes, attributes: Array.from(attributes).slice(0, 200), ids, globals, assets };
  });

  // ---- mobile facts ----
  const targets = Array.from(document.querySelectorAll(
    "a[href], button, input:not([type='hidden']), select, textarea, [role='button'], [role='link'], [tabindex]:not([tabindex='-1'])"
  )).slice(0, 10000).filter(visible).slice(0, 3000);
  const rects = targets.map((el) => el.getBoundingClientRect());
  const small = [];
  const sizes = [];
  const undersized = rects.map((r) => r.width < 24 || r.height < 24);
  const distToRect = (x, y, r) => {
    const dx = Math.max(r.left - x, 0, x - r.right);
    const dy = Math.max(r.top - y, 0, y - r.bottom);
    return Math.hypot(dx, dy);
  };
  const round1 = (v) => Math.round(v * 10) / 10;
  targets.forEach((el, i) => {
    const r = rects[i];
    if (r.width === 0 || r.height === 0) return;
    if (el.localName === "a" && inText(el)) return; // inline exception
    if (sizes.length < 500) {
      // [width, height, distance from this target's centre to the nearest other target]
      const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
      let nearest = 9999;
      rects.forEach((o, j) => {
        if (j === i || o.width === 0 || o.height === 0) return;
        const d = distToRect(cx, cy, o);  // cheap first; the DOM containment test only when it matters
        if (d < nearest && !el.contains(targets[j]) && !targets[j].contains(el)) nearest = d;
      });
      sizes.push([round1(r.width), round1(r.height), round1(nearest)]);
    }
    if (!undersized[i]) return;
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const crowded = rects.some((o, j) => {
      if (j === i || o.width === 0 || o.height === 0) return false;
      const near = distToRect(cx, cy, o) < 12 || // our circle intersects another target
        (undersized[j] && Math.hypot(cx - (o.left + o.width / 2), cy - (o.top + o.height / 2)) < 24); // two undersized circles
      return near && !el.contains(targets[j]) && !targets[j].contains(el);
    });
    if (crowded) small.push({ selector: cssPath(el), width: r.width, height: r.height, text: cap(accessibleText(el), 80) });
  });
  let chars = 0, smallChars = 0;
  const justified = new Map(), uppercase = new Map();  // element -> {snippet, chars, words}
  const addRun = (map, el, raw, n) => {
    const run = map.get(el) || { selector: "", snippet: "", chars: 0, words: 0 };
    if (!map.has(el)) map.set(el, run);
    run.chars += n;
    run.words += fold(raw).split(" ").filter(Boolean).length;
    if (run.snippet.length < 200) run.snippet = cap(fold(run.snippet + " " + raw), 200);
  };
  if (document.body) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const n = node.textContent.replace(/\s+/g, "").length;
      const parent = node.parentElement;
      if (!n || !parent || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(parent.tagName)) continue;
      if (!parent.getClientRects().length) continue;
      const style = getComputedStyle(parent);
      if (style.visibility === "hidden") continue;
      chars += n;
      if (parseFloat(style.fontSize) < 12) smallChars += n;
      if (style.textAlign === "justify") addRun(justified, parent, node.textContent, n);
      if (style.textTransform === "uppercase") addRun(uppercase, parent, node.textContent, n);
    }
  }
  const runs = (map) => Array.from(map.entries()).sort((a, b) => b[1].chars - a[1].chars).slice(0, 20)
    .map(([el, run]) => ({ ...run, selector: cssPath(el) }));

  const root = document.documentElement;
  const scrollWidth = Math.max(root.scrollWidth, document.body ? document.body.scrollWidth : 0);

  // ---- focus: focus a spread-out sample of controls; does anything visible change? ----
  // Transitions are finished at once so the focused state is read, not its first frame.
  const focusable = targets.filter((el) => !el.disabled && el.tabIndex >= 0);

  // ---- focus order against visual order: where Tab goes next sits above the current element ----
  // Tab order: positive tabindex first (ascending), then document order. Fixed and sticky elements,
  // and elements off the screen sideways, are left out (their place on screen does not follow the page).
  const focusJumps = attempt(() => {
    const pinnedCache = new Map();
    const pinned = (el) => {
      if (!el || el === document.body || el === document.documentElement) return false;
      if (pinnedCache.has(el)) return pinnedCache.get(el);
      const pos = getComputedStyle(el).position;
      const value = pos === "fixed" || pos === "sticky" || pinned(el.parentElement);
      pinnedCache.set(el, value);
      return value;
    };
    const order = focusable.slice(0, 500).map((el, i) => [el, i])
      .sort((a, b) => ((a[0].tabIndex > 0 ? a[0].tabIndex : 1e9) - (b[0].tabIndex > 0 ? b[0].tabIndex : 1e9)) || a[1] - b[1])
      .map(([el]) => el)
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.right > 0 && r.left < window.innerWidth && !pinned(el);
      });
    examined.focus_order = order.length;
    const out = [];
    const y = window.scrollY;
    for (let i = 1; i < order.length && out.length < 50; i++) {
      const a = order[i - 1].getBoundingClientRect(), b = order[i].getBoundingClientRect();
      const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      if (b.bottom > a.top + 1 || overlap < 0.5 * Math.min(a.width, b.width)) continue;  // not above, or another column
      if (order[i - 1].contains(order[i]) || order[i].contains(order[i - 1])) continue;
      out.push({ selector: cssPath(order[i]), previous: cssPath(order[i - 1]), up: Math.round(a.top - b.top),
        top: Math.round(b.top + y), text: cap(nameOf(order[i]), 80) });
    }
    return out;
  });
  const step = Math.max(1, Math.floor(focusable.length / 15));
  const focusSample = focusable.filter((_, i) => i % step === 0).slice(0, 15);
  const look = (el) => {
    const s = getComputedStyle(el);
    const parts = [
      s.outlineStyle === "none" ? "none" : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.outlineOffset}`,
      s.boxShadow, s.backgroundColor, s.backgroundImage, s.color, s.textDecorationLine, s.textDecorationColor,
      s.borderTopStyle, s.borderTopColor, s.borderTopWidth, s.borderBottomStyle, s.borderBottomColor, s.borderBottomWidth,
      s.borderLeftColor, s.borderRightColor, s.opacity, s.transform, s.filter, s.fontWeight,
    ];
    for (const pseudo of ["::before", "::after"]) {
      const p = getComputedStyle(el, pseudo);
      parts.push(p.content, p.backgroundColor, p.boxShadow, p.borderBottomColor, p.outlineStyle, p.width, p.opacity, p.transform);
    }
    const parent = el.parentElement;
    if (parent) {
      const ps = getComputedStyle(parent);
      parts.push(ps.outlineStyle, ps.boxShadow, ps.backgroundColor, ps.borderBottomColor);
    }
    const r = el.getBoundingClientRect();
    parts.push(Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height));
    return parts.join("|");
  };
  const previous = document.activeElement;
  const watch = window.__maturityWatch;  // watch.js: what the page changes by itself, not what focusing it does
  if (watch) watch.stopped = true;
  let focusSampled = 0;
  const focusMissing = [];
  for (const el of focusSample) {
    try {
      const before = look(el);
      el.focus({ preventScroll: true });
      if (document.activeElement !== el) continue;
      for (const a of el.getAnimations({ subtree: true })) { try { a.finish(); } catch (e) { /* infinite */ } }
      if (el.parentElement) for (const a of el.parentElement.getAnimations()) { try { a.finish(); } catch (e) { /* infinite */ } }
      focusSampled++;
      if (look(el) === before) focusMissing.push({ selector: cssPath(el), text: cap(accessibleText(el), 80) });
      el.blur();
    } catch (e) { /* a detached element or a throwing focus handler: not sampled */ }
  }
  try {
    if (previous && previous !== document.body && previous.focus) previous.focus({ preventScroll: true });
    else if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  } catch (e) { /* nothing to restore */ }
  if (watch) {
    if (watch.discard) watch.discard();  // the observer delivers later: drop what focusing changed
    watch.stopped = false;
  }
  // ---- text spacing (WCAG 1.4.12): apply the criterion's spacing, then list text boxes that now clip ----
  // Runs last and removes its style again; a box that clipped before the spacing is not counted.
  const spacingClipped = attempt(() => {
    if (!document.body) return [];
    const boxes = Array.from(document.body.querySelectorAll("*")).slice(0, 6000).filter((el) => {
      if (["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "svg", "IMG", "VIDEO", "IFRAME", "CANVAS", "INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) return false;
      const s = getComputedStyle(el);
      const clips = (v) => v === "hidden" || v === "clip";
      return (clips(s.overflowX) || clips(s.overflowY)) && s.display !== "none" && s.visibility !== "hidden" && fold(el.textContent).length > 0;
    }).slice(0, 500);
    // Visually hidden text (the 1 px "sr-only" pattern) clips by design: left out.
    const candidates = boxes.filter((el) => el.clientWidth > 2 && el.clientHeight > 2);
    examined.clip_boxes = candidates.length;
    // Only an axis whose overflow is hidden or clip cuts text off (overflow: auto scrolls).
    const axes = new Map(candidates.map((el) => {
      const s = getComputedStyle(el);
      return [el, [["hidden", "clip"].includes(s.overflowX), ["hidden", "clip"].includes(s.overflowY)]];
    }));
    const clipped = (el) => {
      const [x, y] = axes.get(el);
      return (y && el.scrollHeight > el.clientHeight + 2) || (x && el.scrollWidth > el.clientWidth + 2);
    };
    const before = new Set(candidates.filter(clipped));
    const style = document.createElement("style");
    style.textContent = "* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } " +
      "p { margin-bottom: 2em !important; }";
    (document.head || document.documentElement).appendChild(style);
    try {
      return candidates.filter((el) => !before.has(el) && clipped(el)).slice(0, 50).map((el) => ({
        selector: cssPath(el), snippet: cap(fold(el.innerText || el.textContent), 120),
        height: el.clientHeight, needed: el.scrollHeight,
      }));
    } finally {
      style.remove();
    }
  });

  return {
    document: {
      url: cap(location.href, URL_MAX),
      title: document.title === "" && !document.querySelector("title") ? null : cap(document.title, 1000),
      lang: root.getAttribute("lang"),
      meta,
      canonical: canonical ? cap(canonical.href, URL_MAX) : null,
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
      loose_fields: looseFields,
      choice_groups: choiceGroups,
      justified: runs(justified),
      uppercase: runs(uppercase),
      media,
      blinking: count("marquee, blink"),
      focus: { sampled: focusSampled, missing: focusMissing },
      render_blocking: renderBlocking,
      design: { usa_classes: usaClasses, usa_banner: Boolean(document.querySelector(".usa-banner")) },
      template,
      alternates,
      other_text: otherText,
      tables,
      aria_tables: ariaTables,
      fieldsets,
      broken_labels: brokenLabels,
      hints,
      required_marks: requiredMarks,
      context_changes: contextChanges,
      image_buttons: imageButtons,
      labelled_controls: labelledControls,
      adjacent_links: adjacentLinks,
      clickables,
      spacing_clipped: spacingClipped,
      roleless_focusable: roleless,
      positive_tabindex: positiveTab,
      hover_only: hoverOnly,
      orientation_locks: orientationLocks,
      rtl_text: rtlText,
      audio: audioFacts,
      passages,
      focus_jumps: focusJumps,
      examined: { clickables: 0, tabindex: 0, hover_rules: 0, clip_boxes: 0, focus_order: 0, orientation_rules: 0, ...examined },
      tech,
    },
    mobile: {
      viewport_meta: meta.viewport === undefined ? null : meta.viewport,
      inner_width: window.innerWidth,
      outer_width: window.outerWidth || screen.width,
      scroll_width: scrollWidth,
      small_targets: small.slice(0, 200),
      targets_total: targets.length,
      text_chars_total: chars,
      text_chars_small: smallChars,
      target_sizes: sizes,
    },
  };
}
