/// The live playground's dashboard, served at `GET /` by `kubeprint serve`.
///
/// One self-contained HTML document: inline CSS and JavaScript, no external scripts, fonts or
/// images, and no network access other than same-origin `fetch` calls to the API the server
/// already exposes (nodes, pods, deployments, namespaces, events and `/playground/v1/status`).
/// It polls every second and redraws the nodes with their pods as one SVG, the namespaces,
/// deployment readiness, image pulls in progress, the latest events and the virtual clock.
///
/// Elements carry `data-*` markers so browser checks can count what was drawn:
/// `data-node="name"` (and `data-ready`) on each node group, `data-pod="namespace/name"` (with
/// `data-node`, `data-phase`, `data-state`, `data-status`) on each pod square, `data-namespace`,
/// `data-deployment`, `data-pull`, `data-event` and `data-clock`; `<body data-refreshes>` counts
/// completed polls and `data-render-ms` is how long the last redraw took.
enum DashboardPage {
    /// The page's bytes, identical on every request.
    static let html: String = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kubeprint playground</title>
<style>
:root {
  --bg: #f3f4f6; --panel: #ffffff; --line: #dde1e7; --soft: #eef0f3; --text: #1f2733; --muted: #6b7280;
  --bar: #3b82f6; --bar-high: #f59e0b; --bar-over: #dc2626;
  --pending: #9ca3af; --creating: #f59e0b; --running: #16a34a; --notready: #86efac;
  --failed: #dc2626; --terminating: #9333ea; --succeeded: #475569;
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  background: var(--bg); color: var(--text); display: flex; flex-direction: column; }
header { flex: none; display: flex; align-items: center; gap: 20px; padding: 8px 14px; background: #1f2937; color: #f9fafb; }
header h1 { margin: 0; font-size: 15px; font-weight: 600; letter-spacing: .01em; }
header .group { display: flex; align-items: baseline; gap: 6px; }
header .label { color: #9ca3af; font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
header .value { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-variant-numeric: tabular-nums; }
header .spacer { flex: 1; }
header select { font: inherit; padding: 2px 6px; border-radius: 4px; border: 1px solid #4b5563; background: #111827; color: #f9fafb; }
#conn { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #374151; color: #d1d5db; }
#conn.ok { background: #14532d; color: #bbf7d0; }
#conn.err { background: #7f1d1d; color: #fecaca; }
main { flex: 1; min-height: 0; display: grid; gap: 10px; padding: 10px;
  grid-template-columns: minmax(0, 1fr) 470px; grid-template-rows: minmax(0, 1fr) minmax(150px, 34%); }
#nodes-panel { grid-column: 1; grid-row: 1; }
#events-panel { grid-column: 1; grid-row: 2; }
#side { grid-column: 2; grid-row: 1 / 3; display: flex; flex-direction: column; gap: 10px; min-height: 0; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; display: flex; flex-direction: column; min-height: 0; }
.panel > h2 { flex: none; margin: 0; padding: 7px 10px; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); border-bottom: 1px solid var(--line); display: flex; align-items: center; gap: 10px; }
.panel > h2 .count { font-weight: 400; text-transform: none; letter-spacing: 0; }
.panel > .body { flex: 1; min-height: 0; overflow: auto; }
#ns-panel { flex: 0 0 auto; max-height: 24%; }
#deploy-panel { flex: 1 1 0; }
#pulls-panel { flex: 0 0 auto; max-height: 30%; }
.legend { flex: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 6px 10px; border-bottom: 1px solid var(--soft); color: var(--muted); font-size: 12px; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.legend i { display: inline-block; width: 11px; height: 11px; border-radius: 3px; }
.legend b { color: var(--text); font-weight: 600; font-variant-numeric: tabular-nums; }
#nodes-body { padding: 8px; scrollbar-gutter: stable; }
#nodes-body svg { display: block; }
.nrow { margin-bottom: 10px; content-visibility: auto; contain-intrinsic-size: auto 120px; }
.empty { padding: 10px; color: var(--muted); }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 3px 7px; text-align: left; white-space: nowrap; border-bottom: 1px solid var(--soft); vertical-align: top; }
th { position: sticky; top: 0; background: #fafbfc; color: var(--muted); font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: .04em; z-index: 1; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.msg { white-space: normal; word-break: break-word; width: 100%; }
td.name { max-width: 150px; overflow: hidden; text-overflow: ellipsis; }
td.obj { max-width: 260px; overflow: hidden; text-overflow: ellipsis; }
tr.warn td { color: #b91c1c; }
tr.warn td.type { font-weight: 600; }
.muted { color: var(--muted); }
.pbar { display: inline-block; width: 56px; height: 7px; border-radius: 4px; background: var(--soft); overflow: hidden; vertical-align: middle; }
.pbar > span { display: block; height: 100%; background: var(--running); }
.pbar.partial > span { background: var(--creating); }
.pbar.big { display: block; width: 100%; height: 8px; margin-top: 4px; }
.pbar.big > span { background: var(--bar); }
ul.ns { list-style: none; margin: 0; padding: 4px 0; }
ul.ns li { display: flex; gap: 8px; padding: 3px 10px; cursor: pointer; }
ul.ns li:hover { background: var(--soft); }
ul.ns li.sel { background: #dbeafe; }
ul.ns li .n { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.phase-Active { color: #15803d; }
.phase-Terminating { color: var(--terminating); }
.pull { padding: 6px 10px; border-bottom: 1px solid var(--soft); }
.pull .img { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.pull .meta { display: flex; justify-content: space-between; color: var(--muted); font-size: 12px; margin-top: 2px; font-variant-numeric: tabular-nums; }
.s-pending { fill: var(--pending); background: var(--pending); }
.s-creating { fill: var(--creating); background: var(--creating); }
.s-running { fill: var(--running); background: var(--running); }
.s-notready { fill: var(--notready); background: var(--notready); }
.s-failed { fill: var(--failed); background: var(--failed); }
.s-terminating { fill: var(--terminating); background: var(--terminating); }
.s-succeeded { fill: var(--succeeded); background: var(--succeeded); }
svg .box { fill: #fbfcfd; stroke: #c9ced6; }
svg .box.notready { fill: #fef2f2; stroke: #f87171; }
svg .box.cordoned { stroke-dasharray: 4 3; }
svg .box.unscheduled { fill: #f9fafb; stroke: #9ca3af; stroke-dasharray: 4 3; }
svg .nname { font-size: 12px; font-weight: 600; fill: var(--text); }
svg .small { font-size: 10px; fill: var(--muted); }
svg .val { font-size: 10px; fill: var(--text); text-anchor: end; font-variant-numeric: tabular-nums; }
svg .track { fill: var(--soft); }
svg .fill { fill: var(--bar); }
svg .fill.high { fill: var(--bar-high); }
svg .fill.over { fill: var(--bar-over); }
svg .dot-ready { fill: var(--running); }
svg .dot-notready { fill: var(--failed); }
svg .dot-unknown { fill: var(--pending); }
svg .pod { cursor: default; }
svg .pod:hover { stroke: #111827; stroke-width: 1.5; }
</style>
</head>
<body data-refreshes="0">
<header>
  <h1>kubeprint playground</h1>
  <div class="group"><span class="label">virtual time</span><span class="value" id="clock" data-clock="">–</span></div>
  <div class="group"><span class="label">speed</span><span class="value" id="speed">–</span></div>
  <div class="group"><span class="label">elapsed</span><span class="value" id="elapsed">–</span></div>
  <div class="spacer"></div>
  <div class="group"><span class="label">namespace</span><select id="ns-select"><option value="">all</option></select></div>
  <span id="conn">connecting…</span>
</header>
<main>
  <section class="panel" id="nodes-panel">
    <h2>Nodes <span class="count" id="nodes-count"></span></h2>
    <div class="legend" id="legend"></div>
    <div class="body" id="nodes-body"><div class="empty">Loading…</div></div>
  </section>
  <section class="panel" id="events-panel">
    <h2>Events <span class="count" id="events-count"></span></h2>
    <div class="body" id="events-body"></div>
  </section>
  <div id="side">
    <section class="panel" id="ns-panel">
      <h2>Namespaces <span class="count" id="ns-count"></span></h2>
      <div class="body" id="ns-body"></div>
    </section>
    <section class="panel" id="deploy-panel">
      <h2>Deployments <span class="count" id="deploy-count"></span></h2>
      <div class="body" id="deploy-body"></div>
    </section>
    <section class="panel" id="pulls-panel">
      <h2>Image pulls <span class="count" id="pulls-count"></span></h2>
      <div class="body" id="pulls-body"></div>
    </section>
  </div>
</main>
<script>
(function () {
  "use strict";

  var ENDPOINTS = {
    nodes: "/api/v1/nodes",
    pods: "/api/v1/pods",
    deployments: "/apis/apps/v1/deployments",
    namespaces: "/api/v1/namespaces",
    events: "/api/v1/events",
    status: "/playground/v1/status"
  };
  var KEYS = Object.keys(ENDPOINTS);
  var STATES = [
    ["pending", "Pending"], ["creating", "Creating / pulling"], ["running", "Running, ready"],
    ["notready", "Running, not ready"], ["failed", "Failed / back-off"], ["terminating", "Terminating"],
    ["succeeded", "Succeeded"]
  ];
  var POLL_MS = 1000, MAX_EVENTS = 20;
  var NODE_W = 236, PAD = 8, POD = 12, POD_GAP = 3, HEAD_H = 50, CELL_GAP = 10;
  var PER_ROW = Math.floor((NODE_W - 2 * PAD + POD_GAP) / (POD + POD_GAP));

  var data = { nodes: null, pods: null, deployments: null, namespaces: null, events: null, status: null };
  var rawText = {};
  var errors = {};
  var refreshes = 0;
  var nodesDirty = true;
  var lastWidth = -1;
  var rowStrings = [];
  var nsOptionsKey = "";
  var selectedNs = nsFromHash();
  var collator = new Intl.Collator("en", { numeric: true });

  function $(id) { return document.getElementById(id); }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function obj(v) { return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {}; }
  function str(v) { return typeof v === "string" ? v : (typeof v === "number" ? String(v) : ""); }
  function num(v) { var n = typeof v === "number" ? v : parseFloat(v); return isFinite(n) ? n : 0; }
  function esc(v) {
    return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g, function (c) {
      return c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;";
    });
  }
  function items(list) { return arr(obj(list).items).filter(function (x) { return x !== null && typeof x === "object"; }); }
  function truncate(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }

  // Kubernetes quantities: plain and decimal-exponent numbers, SI (n u m k M G T P E) and binary (Ki … Ei) suffixes.
  var SUFFIX = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 1024, Mi: 1048576, Gi: 1073741824, Ti: 1099511627776, Pi: 1125899906842624, Ei: 1152921504606846976 };
  var QUANTITY = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?\s*$/;
  function quantity(v) {
    if (typeof v === "number") { return isFinite(v) ? v : 0; }
    if (typeof v !== "string") { return 0; }
    var m = QUANTITY.exec(v);
    if (!m) { return 0; }
    var n = parseFloat(m[1] + (m[2] || ""));
    if (m[3]) { n *= SUFFIX[m[3]]; }
    return isFinite(n) ? n : 0;
  }
  function trim(n, digits) { return String(parseFloat(n.toFixed(digits))); }
  function fmtCpu(c) { return c > 0 && c < 1 ? Math.round(c * 1000) + "m" : trim(c, 2); }
  function fmtMem(b) {
    if (b >= 1073741824) { return trim(b / 1073741824, 1) + "Gi"; }
    if (b >= 1048576) { return Math.round(b / 1048576) + "Mi"; }
    if (b >= 1024) { return Math.round(b / 1024) + "Ki"; }
    return String(Math.round(b));
  }
  function fmtBytes(b) {
    if (b >= 1e9) { return trim(b / 1e9, 2) + " GB"; }
    if (b >= 1e6) { return trim(b / 1e6, 1) + " MB"; }
    if (b >= 1e3) { return trim(b / 1e3, 1) + " kB"; }
    return Math.round(b) + " B";
  }
  function fmtAge(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    if (s < 120) { return s + "s"; }
    var m = Math.floor(s / 60);
    if (m < 10) { return m + "m" + (s % 60 ? (s % 60) + "s" : ""); }
    if (m < 180) { return m + "m"; }
    var h = Math.floor(m / 60);
    if (h < 48) { return h + "h" + (m % 60 ? (m % 60) + "m" : ""); }
    return Math.floor(h / 24) + "d";
  }
  function parseTime(v) { var t = Date.parse(str(v)); return isFinite(t) ? t : NaN; }
  function nowMs() {
    var t = parseTime(obj(data.status).time);
    return isFinite(t) ? t : Date.now();
  }

  function nsFromHash() {
    var m = /(?:^#|&)ns=([^&]*)/.exec(location.hash);
    if (!m) { return ""; }
    try { return decodeURIComponent(m[1]); } catch (e) { return ""; }
  }
  function selectNs(ns) {
    if (ns === selectedNs) { return; }
    selectedNs = ns;
    var url = location.pathname + location.search + (ns ? "#ns=" + encodeURIComponent(ns) : "");
    history.replaceState(null, "", url);
    $("ns-select").value = ns;
    nodesDirty = true;
    render();
  }
  // What a panel shows while it has no data: the request's error, or that it is still loading.
  function placeholder(key, text) {
    var t = data[key] ? text : errors[key] ? "Could not load " + ENDPOINTS[key] + ": " + errors[key] : "Loading…";
    return '<div class="empty">' + esc(t) + '</div>';
  }
  function inNs(ns) { return selectedNs === "" || ns === selectedNs; }

  function requests(pod) {
    var spec = obj(pod.spec), cpu = 0, mem = 0;
    function req(c, key) {
      var r = obj(obj(obj(c).resources).requests), l = obj(obj(obj(c).resources).limits);
      return quantity(r[key] !== undefined ? r[key] : l[key]);
    }
    arr(spec.containers).forEach(function (c) { cpu += req(c, "cpu"); mem += req(c, "memory"); });
    arr(spec.initContainers).forEach(function (c) { cpu = Math.max(cpu, req(c, "cpu")); mem = Math.max(mem, req(c, "memory")); });
    return { cpu: cpu, mem: mem };
  }

  var BAD_WAITING = /BackOff|Err|Invalid|Fail|Error/;
  var CREATING_WAITING = /ContainerCreating|PodInitializing|Pull/;
  // The dashboard's state for a pod, and the status text kubectl would print for it.
  function podState(pod) {
    var md = obj(pod.metadata), st = obj(pod.status), phase = str(st.phase) || "Pending";
    var statuses = arr(st.containerStatuses).map(obj);
    var waiting = "", terminated = "", ready = 0;
    statuses.forEach(function (cs) {
      var s = obj(cs.state);
      if (!waiting && s.waiting) { waiting = str(obj(s.waiting).reason) || "Waiting"; }
      if (!terminated && s.terminated) { terminated = str(obj(s.terminated).reason) || "Terminated"; }
      if (cs.ready === true) { ready += 1; }
    });
    var text = str(st.reason) || waiting || (phase !== "Running" && terminated) || phase;
    var key;
    if (md.deletionTimestamp) { key = "terminating"; text = "Terminating"; }
    else if (phase === "Failed" || (waiting && BAD_WAITING.test(waiting))) { key = "failed"; }
    else if (phase === "Succeeded") { key = "succeeded"; text = terminated || "Completed"; }
    else if (phase === "Running") { key = statuses.length > 0 && ready === statuses.length ? "running" : "notready"; }
    else if (waiting && (CREATING_WAITING.test(waiting) || str(obj(pod.spec).nodeName))) { key = "creating"; }
    else { key = "pending"; }
    var restarts = statuses.reduce(function (a, cs) { return a + num(cs.restartCount); }, 0);
    return { key: key, text: text, ready: ready, total: statuses.length, restarts: restarts };
  }

  function nodeReady(node) {
    var c = arr(obj(node.status).conditions).map(obj).filter(function (c) { return c.type === "Ready"; })[0];
    return c ? (c.status === "True" ? "ready" : "notready") : "unknown";
  }

  function bar(x, y, w, used, total) {
    var frac = total > 0 ? used / total : (used > 0 ? 2 : 0);
    var cls = frac > 1 ? "fill over" : frac > 0.9 ? "fill high" : "fill";
    var fw = Math.round(Math.min(1, frac) * w * 10) / 10;
    return '<rect class="track" x="' + x + '" y="' + y + '" width="' + w + '" height="6" rx="3"/>' +
      (fw > 0 ? '<rect class="' + cls + '" x="' + x + '" y="' + y + '" width="' + fw + '" height="6" rx="3"/>' : "");
  }

  // Pod squares carry their details as attributes; the hover title is added on first hover
  // (see showPodTitle), so a refresh with thousands of pods stays one flat list of <rect>s.
  function podRects(list, nodeName) {
    var out = "";
    for (var i = 0; i < list.length; i++) {
      var p = list[i], col = i % PER_ROW, row = Math.floor(i / PER_ROW);
      var x = PAD + col * (POD + POD_GAP), y = HEAD_H + row * (POD + POD_GAP);
      out += '<rect class="pod s-' + p.state.key + '" x="' + x + '" y="' + y + '" width="' + POD + '" height="' + POD +
        '" rx="3" data-pod="' + esc(p.ns + "/" + p.name) + '" data-node="' + esc(nodeName) + '" data-phase="' + esc(p.phase) +
        '" data-state="' + p.state.key + '" data-status="' + esc(p.state.text) + '"' +
        (p.state.total ? ' data-ready="' + p.state.ready + "/" + p.state.total + '"' : "") +
        (p.state.restarts ? ' data-restarts="' + p.state.restarts + '"' : "") + '/>';
    }
    return out;
  }

  function showPodTitle(e) {
    var el = e.target;
    if (!el || !el.getAttribute || el.getAttribute("class") === null || !/(^| )pod( |$)/.test(el.getAttribute("class")) || el.firstChild) { return; }
    var id = el.getAttribute("data-pod") || "", slash = id.indexOf("/");
    var ready = el.getAttribute("data-ready"), restarts = el.getAttribute("data-restarts"), node = el.getAttribute("data-node");
    var text = id.slice(slash + 1) + "\nnamespace: " + id.slice(0, slash) + "\nstatus: " + (el.getAttribute("data-status") || "") +
      (ready ? "\nready: " + ready : "") + (restarts ? "\nrestarts: " + restarts : "") + (node ? "\nnode: " + node : "\nnot scheduled");
    var title = document.createElementNS(el.namespaceURI, "title");
    title.textContent = text;
    el.appendChild(title);
  }

  function boxHeight(count) {
    var rows = Math.max(1, Math.ceil(count / PER_ROW));
    return HEAD_H + rows * (POD + POD_GAP) - POD_GAP + PAD;
  }

  function renderNodes() {
    var body = $("nodes-body");
    var nodes = items(data.nodes).slice().sort(function (a, b) {
      return collator.compare(str(obj(a.metadata).name), str(obj(b.metadata).name));
    });
    var byNode = {}, used = {}, unscheduled = [], counts = {}, shown = 0;
    STATES.forEach(function (s) { counts[s[0]] = 0; });
    items(data.pods).forEach(function (pod) {
      var md = obj(pod.metadata), st = obj(pod.status), nodeName = str(obj(pod.spec).nodeName);
      var phase = str(st.phase) || "Pending";
      if (nodeName && phase !== "Succeeded" && phase !== "Failed") {
        var r = requests(pod), u = used[nodeName] || (used[nodeName] = { cpu: 0, mem: 0, pods: 0 });
        u.cpu += r.cpu; u.mem += r.mem; u.pods += 1;
      }
      var ns = str(md.namespace) || "default";
      if (!inNs(ns)) { return; }
      var p = { ns: ns, name: str(md.name), phase: phase, state: podState(pod) };
      counts[p.state.key] += 1; shown += 1;
      if (nodeName) { (byNode[nodeName] || (byNode[nodeName] = [])).push(p); } else { unscheduled.push(p); }
    });
    var byName = function (a, b) { var ka = a.ns + "/" + a.name, kb = b.ns + "/" + b.name; return ka < kb ? -1 : ka > kb ? 1 : 0; };

    $("legend").innerHTML = STATES.map(function (s) {
      return '<span><i class="s-' + s[0] + '"></i>' + esc(s[1]) + ' <b>' + counts[s[0]] + '</b></span>';
    }).join("");
    var readyNodes = nodes.filter(function (n) { return nodeReady(n) === "ready"; }).length;
    $("nodes-count").textContent = nodes.length + " (" + readyNodes + " ready) · " + shown + " pods" +
      (selectedNs ? " in " + selectedNs : "") + (unscheduled.length ? " · " + unscheduled.length + " unscheduled" : "");

    var cells = [];
    if (unscheduled.length) { cells.push({ unscheduled: true, pods: unscheduled.sort(byName) }); }
    var known = {};
    nodes.forEach(function (n) { known[str(obj(n.metadata).name)] = true; });
    // Pods bound to a node the node list does not (or no longer) hold still get a box.
    Object.keys(byNode).sort(collator.compare).forEach(function (name) {
      if (!known[name]) { nodes.push({ metadata: { name: name } }); }
    });
    nodes.forEach(function (n) {
      var name = str(obj(n.metadata).name);
      cells.push({ node: n, name: name, pods: (byNode[name] || []).sort(byName) });
    });
    if (!cells.length) {
      body.innerHTML = placeholder("nodes", "No nodes.");
      rowStrings = [];
      return;
    }
    var measured = body.clientWidth, width = Math.max(NODE_W, measured - 2 * PAD);
    var cols = Math.max(1, Math.floor((width + CELL_GAP) / (NODE_W + CELL_GAP)));
    var svgW = Math.min(cells.length, cols) * (NODE_W + CELL_GAP) - CELL_GAP, rows = [];
    for (var start = 0; start < cells.length; start += cols) {
      var rowCells = cells.slice(start, start + cols), rowH = 0, out = [];
      rowCells.forEach(function (c) { rowH = Math.max(rowH, boxHeight(c.pods.length)); });
      rowCells.forEach(function (c, i) {
        var x = i * (NODE_W + CELL_GAP), y = 0, h = boxHeight(c.pods.length);
        if (c.unscheduled) {
          out.push('<g transform="translate(' + x + ',' + y + ')" data-unscheduled="">' +
            '<rect class="box unscheduled" x="0.5" y="0.5" width="' + (NODE_W - 1) + '" height="' + (h - 1) + '" rx="5"/>' +
            '<text class="nname" x="' + PAD + '" y="17">Unscheduled</text>' +
            '<text class="small" x="' + PAD + '" y="34">' + c.pods.length + ' pod' + (c.pods.length === 1 ? "" : "s") + ' waiting for a node</text>' +
            podRects(c.pods, "") + '</g>');
          return;
        }
        var n = c.node, status = obj(n.status), alloc = obj(status.allocatable);
        var cpuA = quantity(alloc.cpu), memA = quantity(alloc.memory), u = used[c.name] || { cpu: 0, mem: 0, pods: 0 };
        var ready = nodeReady(n), cordoned = obj(n.spec).unschedulable === true;
        var labels = obj(obj(n.metadata).labels);
        var tip = c.name + "\nReady: " + ready + (cordoned ? "\nSchedulingDisabled" : "") +
          "\nCPU requested: " + fmtCpu(u.cpu) + " / " + fmtCpu(cpuA) +
          "\nmemory requested: " + fmtMem(u.mem) + " / " + fmtMem(memA) + "\npods: " + u.pods +
          Object.keys(labels).sort().map(function (k) { return "\n" + k + "=" + str(labels[k]); }).join("");
        var bw = NODE_W - 36 - 84;
        out.push('<g transform="translate(' + x + ',' + y + ')" data-node="' + esc(c.name) + '" data-ready="' + ready + '">' +
          '<title>' + esc(tip) + '</title>' +
          '<rect class="box' + (ready === "notready" ? " notready" : "") + (cordoned ? " cordoned" : "") +
          '" x="0.5" y="0.5" width="' + (NODE_W - 1) + '" height="' + (h - 1) + '" rx="5"/>' +
          '<circle class="dot-' + ready + '" cx="' + (PAD + 4) + '" cy="13" r="4"/>' +
          '<text class="nname" x="' + (PAD + 13) + '" y="17">' + esc(truncate(c.name, 24)) + '</text>' +
          '<text class="small" x="' + (NODE_W - PAD) + '" y="17" text-anchor="end">' +
          (ready === "notready" ? "NotReady" : cordoned ? "cordoned" : c.pods.length + (c.pods.length === 1 ? " pod" : " pods")) + '</text>' +
          '<text class="small" x="' + PAD + '" y="31">cpu</text>' + bar(36, 25, bw, u.cpu, cpuA) +
          '<text class="val" x="' + (NODE_W - PAD) + '" y="31">' + esc(fmtCpu(u.cpu) + " / " + fmtCpu(cpuA)) + '</text>' +
          '<text class="small" x="' + PAD + '" y="43">mem</text>' + bar(36, 37, bw, u.mem, memA) +
          '<text class="val" x="' + (NODE_W - PAD) + '" y="43">' + esc(fmtMem(u.mem) + " / " + fmtMem(memA)) + '</text>' +
          podRects(c.pods, c.name) + '</g>');
      });
      rows.push('<svg width="' + svgW + '" height="' + rowH + '">' + out.join("") + '</svg>');
    }
    // Each row of nodes is its own SVG, replaced only when its markup changed, and skipped by
    // layout and paint while scrolled out of view; a steady cluster costs one string compare per row.
    var holder = $("nodes-rows");
    if (!holder || rows.length !== rowStrings.length) {
      body.innerHTML = '<div id="nodes-rows">' + rows.map(function (r) { return '<div class="nrow">' + r + '</div>'; }).join("") + '</div>';
    } else {
      var divs = holder.children;
      for (var i = 0; i < rows.length; i++) {
        if (rows[i] !== rowStrings[i]) { divs[i].innerHTML = rows[i]; }
      }
    }
    rowStrings = rows;
    lastWidth = measured;
  }

  function renderNamespaces() {
    var names = {}, podCount = {};
    items(data.namespaces).forEach(function (n) {
      var name = str(obj(n.metadata).name);
      if (name) { names[name] = str(obj(n.status).phase) || "Active"; }
    });
    items(data.pods).forEach(function (p) {
      var ns = str(obj(p.metadata).namespace) || "default";
      podCount[ns] = (podCount[ns] || 0) + 1;
      if (!(ns in names)) { names[ns] = ""; }
    });
    if (selectedNs && !(selectedNs in names)) { names[selectedNs] = ""; }
    var list = Object.keys(names).sort(collator.compare);
    var key = list.join("\n");
    if (key !== nsOptionsKey) {
      nsOptionsKey = key;
      $("ns-select").innerHTML = '<option value="">all</option>' + list.map(function (n) {
        return '<option value="' + esc(n) + '">' + esc(n) + '</option>';
      }).join("");
    }
    $("ns-select").value = selectedNs;
    $("ns-count").textContent = String(items(data.namespaces).length);
    $("ns-body").innerHTML = '<ul class="ns">' +
      '<li data-select="" class="' + (selectedNs === "" ? "sel" : "") + '"><span class="n">all namespaces</span><span class="muted">' +
      items(data.pods).length + ' pods</span></li>' +
      list.map(function (n) {
        var phase = names[n];
        return '<li data-namespace="' + esc(n) + '" data-select="' + esc(n) + '" data-phase="' + esc(phase) + '" class="' + (n === selectedNs ? "sel" : "") +
          '"><span class="n">' + esc(n) + '</span><span class="phase-' + esc(phase) + '">' + esc(phase || "–") +
          '</span><span class="muted">' + (podCount[n] || 0) + ' pods</span></li>';
      }).join("") + '</ul>';
  }

  function renderDeployments() {
    var list = items(data.deployments).filter(function (d) { return inNs(str(obj(d.metadata).namespace) || "default"); });
    list.sort(function (a, b) {
      var ma = obj(a.metadata), mb = obj(b.metadata);
      return collator.compare(str(ma.namespace) + "/" + str(ma.name), str(mb.namespace) + "/" + str(mb.name));
    });
    var ok = 0;
    var rows = list.map(function (d) {
      var md = obj(d.metadata), st = obj(d.status), spec = obj(d.spec);
      var desired = spec.replicas === undefined || spec.replicas === null ? 1 : num(spec.replicas);
      var ready = num(st.readyReplicas), updated = num(st.updatedReplicas), avail = num(st.availableReplicas);
      var ns = str(md.namespace) || "default", name = str(md.name);
      var frac = desired > 0 ? Math.min(1, ready / desired) : 1;
      if (ready >= desired) { ok += 1; }
      return '<tr data-deployment="' + esc(ns + "/" + name) + '" data-ready="' + ready + "/" + desired + '">' +
        '<td class="name" title="' + esc(name) + '">' + esc(name) + '</td><td class="name muted" title="' + esc(ns) + '">' + esc(ns) + '</td>' +
        '<td class="num">' + ready + "/" + desired + '</td><td class="num">' + updated + '</td><td class="num">' + avail + '</td>' +
        '<td><span class="pbar' + (ready < desired ? " partial" : "") + '"><span style="width:' + Math.round(frac * 100) + '%"></span></span></td></tr>';
    });
    $("deploy-count").textContent = list.length ? ok + "/" + list.length + " ready" : "";
    $("deploy-body").innerHTML = list.length ?
      '<table><thead><tr><th>Name</th><th>Namespace</th><th>Ready</th><th>Up-to-date</th><th>Available</th><th></th></tr></thead><tbody>' +
      rows.join("") + '</tbody></table>' :
      placeholder("deployments", "No deployments" + (selectedNs ? " in " + selectedNs : "") + ".");
  }

  function renderPulls() {
    var now = nowMs();
    var pulls = arr(obj(data.status).pulls).map(obj).filter(function (p) { return str(p.node) || str(p.image); });
    pulls.sort(function (a, b) { return collator.compare(str(a.node) + " " + str(a.image), str(b.node) + " " + str(b.image)); });
    $("pulls-count").textContent = pulls.length ? String(pulls.length) : "";
    $("pulls-body").innerHTML = pulls.length ? pulls.map(function (p) {
      var total = num(p.bytes), done = Math.min(num(p.done), total > 0 ? total : Infinity);
      var frac = total > 0 ? done / total : 0, started = parseTime(p.startedAt);
      return '<div class="pull" data-pull="' + esc(str(p.node) + "/" + str(p.image)) + '">' +
        '<div class="meta" style="margin:0 0 2px"><span><b style="color:var(--text)">' + esc(str(p.node) || "?") + '</b></span>' +
        '<span>' + (isFinite(started) ? fmtAge((now - started) / 1000) : "") + '</span></div>' +
        '<div class="img">' + esc(str(p.image)) + '</div>' +
        '<span class="pbar big"><span style="width:' + (Math.round(frac * 1000) / 10) + '%"></span></span>' +
        '<div class="meta"><span>' + fmtBytes(done) + " / " + fmtBytes(total) + '</span><span>' + Math.floor(frac * 100) + '%</span></div></div>';
    }).join("") : placeholder("status", "No image pulls in progress.");
  }

  function eventTime(e) {
    var t = parseTime(e.lastTimestamp);
    if (!isFinite(t)) { t = parseTime(e.eventTime); }
    if (!isFinite(t)) { t = parseTime(obj(e.series).lastObservedTime); }
    if (!isFinite(t)) { t = parseTime(e.firstTimestamp); }
    if (!isFinite(t)) { t = parseTime(obj(e.metadata).creationTimestamp); }
    return t;
  }

  function renderEvents() {
    var now = nowMs();
    var all = items(data.events).filter(function (e) {
      return inNs(str(obj(e.involvedObject).namespace) || str(obj(e.metadata).namespace) || "default");
    }).map(function (e) { return { e: e, t: eventTime(e) }; });
    all.sort(function (a, b) {
      var ta = isFinite(a.t) ? a.t : -Infinity, tb = isFinite(b.t) ? b.t : -Infinity;
      if (ta !== tb) { return tb - ta; }
      return collator.compare(str(obj(a.e.metadata).name), str(obj(b.e.metadata).name));
    });
    var list = all.slice(0, MAX_EVENTS);
    $("events-count").textContent = all.length > MAX_EVENTS ? "latest " + MAX_EVENTS + " of " + all.length : String(all.length);
    $("events-body").innerHTML = list.length ?
      '<table><thead><tr><th>Last seen</th><th>Type</th><th>Reason</th><th>Object</th><th>Message</th></tr></thead><tbody>' +
      list.map(function (x) {
        var e = x.e, io = obj(e.involvedObject), type = str(e.type) || "Normal", count = num(e.count);
        var object = (str(io.kind) ? str(io.kind).toLowerCase() + "/" : "") + str(io.name);
        return '<tr data-event="' + esc(str(obj(e.metadata).name)) + '" data-type="' + esc(type) + '"' + (type === "Warning" ? ' class="warn"' : "") + '>' +
          '<td class="num" title="' + esc(isFinite(x.t) ? new Date(x.t).toISOString() : "") + '">' + (isFinite(x.t) ? fmtAge((now - x.t) / 1000) : "–") + '</td>' +
          '<td class="type">' + esc(type) + '</td><td>' + esc(str(e.reason)) + '</td>' +
          '<td class="obj" title="' + esc(object) + '">' + esc(object) + '</td>' +
          '<td class="msg">' + esc(str(e.message)) + (count > 1 ? ' <span class="muted">(×' + count + ')</span>' : "") +
          (str(obj(e.source).component) ? ' <span class="muted">— ' + esc(str(obj(e.source).component)) + '</span>' : "") + '</td></tr>';
      }).join("") + '</tbody></table>' :
      placeholder("events", "No events" + (selectedNs ? " in " + selectedNs : "") + ".");
  }

  function renderHeader() {
    var st = obj(data.status), t = parseTime(st.time);
    var clock = $("clock");
    clock.textContent = isFinite(t) ? new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$|Z$/, "") + " UTC" : "–";
    clock.setAttribute("data-clock", str(st.time));
    var speed = str(st.speed);
    $("speed").textContent = speed === "" ? "–" : speed === "manual" ? "manual" : "×" + speed;
    var vs = st.virtualSeconds;
    $("elapsed").textContent = typeof vs === "number" || (typeof vs === "string" && vs !== "") ? fmtAge(num(vs)) + " (" + trim(num(vs), 1) + " s)" : "–";
    var failed = Object.keys(errors).sort();
    var conn = $("conn");
    if (failed.length) {
      conn.className = "err";
      conn.textContent = failed.map(function (k) { return k + ": " + errors[k]; }).join(" · ");
    } else if (refreshes > 0) {
      conn.className = "ok";
      conn.textContent = "live · " + new Date().toLocaleTimeString();
    }
  }

  function render() {
    if (nodesDirty || $("nodes-body").clientWidth !== lastWidth) { renderNodes(); nodesDirty = false; }
    renderNamespaces();
    renderDeployments();
    renderPulls();
    renderEvents();
    renderHeader();
  }

  function fetchOne(key) {
    return fetch(ENDPOINTS[key], { cache: "no-store", headers: { "Accept": "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    }).then(function (text) {
      delete errors[key];
      if (text === rawText[key]) { return false; }
      var value = JSON.parse(text);
      rawText[key] = text;
      data[key] = value;
      return true;
    }).catch(function (e) {
      errors[key] = e && e.message ? e.message : String(e);
      return false;
    });
  }

  function poll() {
    var started = Date.now();
    Promise.all(KEYS.map(fetchOne)).then(function (changed) {
      if (changed[KEYS.indexOf("nodes")] || changed[KEYS.indexOf("pods")]) { nodesDirty = true; }
      refreshes += 1;
      delete errors.render;
      var renderStart = performance.now();
      try { render(); } catch (e) { errors.render = e && e.message ? e.message : String(e); renderHeader(); }
      document.body.setAttribute("data-refreshes", String(refreshes));
      document.body.setAttribute("data-render-ms", String(Math.round(performance.now() - renderStart)));
      setTimeout(poll, Math.max(100, POLL_MS - (Date.now() - started)));
    });
  }

  $("nodes-body").addEventListener("mouseover", showPodTitle);
  $("ns-select").addEventListener("change", function (e) { selectNs(e.target.value); });
  $("ns-body").addEventListener("click", function (e) {
    var li = e.target.closest ? e.target.closest("li[data-select]") : null;
    if (li) { selectNs(li.getAttribute("data-select") || ""); }
  });
  window.addEventListener("hashchange", function () { selectNs(nsFromHash()); });
  var resizeQueued = false;
  window.addEventListener("resize", function () {
    if (resizeQueued) { return; }
    resizeQueued = true;
    requestAnimationFrame(function () { resizeQueued = false; nodesDirty = true; render(); });
  });
  poll();
})();
</script>
</body>
</html>
"""#
}
