// calm-advisor HTML viewer: pan and zoom, details panel, flow highlighting.
// Hand-written, no dependencies. State is mirrored into #viewer-state (data-*) for tests.
(function () {
  "use strict";
  var state = document.getElementById("viewer-state");
  var errors = [];
  window.addEventListener("error", function (e) {
    errors.push(String(e.message || e));
    state.setAttribute("data-errors", errors.join(" | "));
  });

  var data = JSON.parse(document.getElementById("calm-data").textContent);
  var canvas = document.getElementById("canvas");
  var svg = canvas.querySelector("svg");
  var panel = document.getElementById("panel");
  var select = document.getElementById("flow-select");
  var SVGNS = "http://www.w3.org/2000/svg";

  // ---- pan and zoom (on the viewBox, so text stays sharp) ----
  var full = svg.viewBox.baseVal;
  var base = { x: full.x, y: full.y, w: full.width, h: full.height };
  var view = { x: base.x, y: base.y, w: base.w, h: base.h };
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  function apply() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(function (v) { return v.toFixed(1); }).join(" "));
    state.setAttribute("data-zoom", (base.w / view.w).toFixed(3));
  }
  function zoom(factor, cx, cy) {
    var nw = Math.min(base.w * 8, Math.max(base.w / 40, view.w / factor));
    var f = view.w / nw;
    if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
    view.x = cx - (cx - view.x) / f;
    view.y = cy - (cy - view.y) / f;
    view.w = nw;
    view.h = view.h / f;
    apply();
  }
  function toSvg(evt) {
    var r = svg.getBoundingClientRect();
    var s = Math.max(view.w / r.width, view.h / r.height);
    var ox = (r.width * s - view.w) / 2, oy = (r.height * s - view.h) / 2;
    return { x: view.x - ox + (evt.clientX - r.left) * s, y: view.y - oy + (evt.clientY - r.top) * s, s: s };
  }
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = toSvg(e);
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, p.x, p.y);
  }, { passive: false });
  var drag = null;
  canvas.addEventListener("mousedown", function (e) {
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, s: toSvg(e).s, moved: false };
    canvas.classList.add("dragging");
  });
  window.addEventListener("mousemove", function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    view.x = drag.vx - dx * drag.s;
    view.y = drag.vy - dy * drag.s;
    apply();
  });
  window.addEventListener("mouseup", function () {
    canvas.classList.remove("dragging");
    setTimeout(function () { drag = null; }, 0);
  });
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(1 / 1.25); });
  document.getElementById("zoom-fit").addEventListener("click", function () {
    view = { x: base.x, y: base.y, w: base.w, h: base.h };
    apply();
  });

  // ---- side panel ----
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function show(v) {
    if (v === null || v === undefined) return "";
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  function table(obj) {
    var t = el("table");
    Object.keys(obj).forEach(function (k) {
      var tr = el("tr");
      tr.appendChild(el("td", k));
      tr.appendChild(el("td", show(obj[k])));
      t.appendChild(tr);
    });
    return t;
  }
  function section(title, content) {
    panel.appendChild(el("h3", title));
    panel.appendChild(content);
  }
  function controls(ctrls) {
    var box = el("div");
    Object.keys(ctrls).forEach(function (id) {
      var c = ctrls[id] || {};
      box.appendChild(el("b", id));
      box.appendChild(el("div", c.description || "", "hint"));
      (c.requirements || []).forEach(function (r) {
        var o = {};
        Object.keys(r).forEach(function (k) { o[k] = r[k]; });
        box.appendChild(table(o));
      });
    });
    return box;
  }
  function findings(list) {
    var box = el("div");
    list.forEach(function (f) {
      var d = el("div", null, "finding " + f.severity);
      d.appendChild(el("b", "[" + f.severity + "] " + f.title));
      d.appendChild(el("div", f.rationale));
      if (f.recommendation) d.appendChild(el("div", "Fix: " + f.recommendation, "hint"));
      if (f.command) d.appendChild(el("code", f.command));
      box.appendChild(d);
    });
    return box;
  }
  function clearSelection() {
    Array.prototype.forEach.call(svg.querySelectorAll(".selected"), function (e) { e.classList.remove("selected"); });
  }
  function showNode(id) {
    var n = data.nodes[id];
    if (!n) return;
    clearSelection();
    var g = svg.querySelector('[data-id="' + cssEscape(id) + '"]');
    if (g) g.classList.add("selected");
    panel.textContent = "";
    panel.appendChild(el("h2", n.name));
    panel.appendChild(el("div", n.type + " · " + id, "type"));
    if (n.description) panel.appendChild(el("p", n.description));
    if (n.parent) panel.appendChild(el("div", "Inside: " + n.parent, "hint"));
    if (n.findings.length) section("Findings (" + n.findings.length + ")", findings(n.findings));
    if (n.interfaces.length) {
      var box = el("div");
      n.interfaces.forEach(function (i) { box.appendChild(table(i)); });
      section("Interfaces", box);
    }
    if (Object.keys(n.metadata).length) section("Metadata", table(n.metadata));
    if (Object.keys(n.controls).length) section("Controls", controls(n.controls));
    var rels = el("ul");
    Object.keys(data.relationships).forEach(function (rid) {
      var r = data.relationships[rid];
      if (r.nodes.indexOf(id) >= 0) rels.appendChild(el("li", rid + " (" + r.kind + (r.protocol ? ", " + r.protocol : "") + ")"));
    });
    if (rels.childNodes.length) section("Relationships", rels);
    state.setAttribute("data-selected", id);
  }
  function showRel(id) {
    var r = data.relationships[id];
    if (!r) return;
    panel.textContent = "";
    panel.appendChild(el("h2", id));
    panel.appendChild(el("div", r.kind + (r.protocol ? " · " + r.protocol : ""), "type"));
    if (r.description) panel.appendChild(el("p", r.description));
    panel.appendChild(el("div", r.nodes.join(" → "), "hint"));
    if (r.findings.length) section("Findings", findings(r.findings));
    if (Object.keys(r.metadata).length) section("Metadata", table(r.metadata));
    if (Object.keys(r.controls).length) section("Controls", controls(r.controls));
    state.setAttribute("data-selected", id);
  }
  function cssEscape(s) { return String(s).replace(/["\\]/g, "\\$&"); }
  svg.addEventListener("click", function (e) {
    if (drag && drag.moved) return;
    var t = e.target.closest("[data-id], [data-rel]");
    if (!t) return;
    if (t.hasAttribute("data-id")) showNode(t.getAttribute("data-id"));
    else showRel(t.getAttribute("data-rel"));
  });

  // ---- flows ----
  var original = {};
  Array.prototype.forEach.call(svg.querySelectorAll("path.edge"), function (p, i) {
    original[i] = p.getAttribute("marker-end");
  });
  function selectFlow(id) {
    var edges = svg.querySelectorAll("path.edge");
    Array.prototype.forEach.call(svg.querySelectorAll(".viewer-step"), function (s) { s.parentNode.removeChild(s); });
    Array.prototype.forEach.call(svg.querySelectorAll(".hl, .dim"), function (e) { e.classList.remove("hl"); e.classList.remove("dim"); });
    Array.prototype.forEach.call(edges, function (p, i) { p.setAttribute("marker-end", original[i]); });
    var flow = null;
    data.flows.forEach(function (f) { if (f.id === id) flow = f; });
    var hlRels = [], hlNodes = {};
    if (flow) {
      var steps = {};
      flow.steps.forEach(function (s) { (steps[s.rel] = steps[s.rel] || []).push(s); });
      Array.prototype.forEach.call(edges, function (p) {
        var rid = p.getAttribute("data-rel");
        if (steps[rid]) {
          p.classList.add("hl");
          p.setAttribute("marker-end", "url(#arrow-flow)");
          hlNodes[p.getAttribute("data-from")] = true;
          hlNodes[p.getAttribute("data-to")] = true;
          if (hlRels.indexOf(rid) < 0) hlRels.push(rid);
          var len = p.getTotalLength();
          steps[rid].forEach(function (s, k) {
            var d = Math.min(len * 0.45, 20 + 22 * k);
            var pt = p.getPointAtLength(s.reverse ? len - d : d);
            var g = document.createElementNS(SVGNS, "g");
            g.setAttribute("class", "viewer-step");
            g.setAttribute("data-step", s.seq);
            var c = document.createElementNS(SVGNS, "circle");
            c.setAttribute("cx", pt.x); c.setAttribute("cy", pt.y); c.setAttribute("r", 10);
            var t = document.createElementNS(SVGNS, "text");
            t.setAttribute("x", pt.x); t.setAttribute("y", pt.y + 4); t.setAttribute("text-anchor", "middle");
            t.setAttribute("font-size", "11"); t.setAttribute("font-weight", "bold"); t.setAttribute("fill", "#ffffff");
            t.textContent = s.seq;
            g.appendChild(c); g.appendChild(t);
            svg.appendChild(g);
          });
        } else {
          p.classList.add("dim");
        }
      });
      Array.prototype.forEach.call(svg.querySelectorAll("g.label"), function (l) {
        if (!steps[l.getAttribute("data-rel")]) l.classList.add("dim");
      });
      Array.prototype.forEach.call(svg.querySelectorAll("g.node"), function (n) {
        n.classList.add(hlNodes[n.getAttribute("data-id")] ? "hl" : "dim");
      });
      panel.textContent = "";
      panel.appendChild(el("h2", flow.name));
      panel.appendChild(el("div", flow.id, "type"));
      if (flow.description) panel.appendChild(el("p", flow.description));
      var ol = el("ol");
      flow.steps.forEach(function (s) { ol.appendChild(el("li", s.description + " (" + s.rel + (s.reverse ? ", reply" : "") + ")")); });
      section("Steps", ol);
      if (Object.keys(flow.controls).length) section("Controls", controls(flow.controls));
    }
    select.value = flow ? id : "";
    state.setAttribute("data-flow", flow ? id : "");
    state.setAttribute("data-highlighted-rels", hlRels.sort().join(" "));
    state.setAttribute("data-highlighted-nodes", Object.keys(hlNodes).sort().join(" "));
  }
  select.addEventListener("change", function () {
    selectFlow(select.value);
    history.replaceState(null, "", select.value ? "#flow=" + encodeURIComponent(select.value) : "#");
  });

  function fromHash() {
    var h = location.hash.replace(/^#/, "");
    h.split("&").forEach(function (part) {
      var kv = part.split("=");
      var v = decodeURIComponent(kv[1] || "");
      if (kv[0] === "flow") selectFlow(v);
      if (kv[0] === "node") showNode(v);
    });
  }
  window.addEventListener("hashchange", fromHash);

  var drawn = svg.querySelectorAll("g.node[data-id], g.container[data-id]");
  var ids = [];
  Array.prototype.forEach.call(drawn, function (g) { ids.push(g.getAttribute("data-id")); });
  state.setAttribute("data-rendered-nodes", ids.length);
  state.setAttribute("data-rendered-ids", ids.sort().join(" "));
  apply();
  fromHash();
  state.setAttribute("data-ready", "true");
})();
