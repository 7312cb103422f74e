// The CMDB's service map: Cytoscape draws the start item and its neighbours; clicking an
// item fetches its neighbours from the API and adds them. Colours: status (fill) and open
// incidents (red ring). Data comes only from /api/cmdb/configuration-items/<id>/graph/.
(function () {
  "use strict";
  const box = document.getElementById("service-map");
  if (!box || typeof cytoscape === "undefined") return;
  const graphUrl = (id) => box.dataset.graphUrl.replace("/0/", "/" + id + "/");
  const detailUrl = (id) => box.dataset.detailUrl.replace("/0/", "/" + id + "/");
  const STATUS = { active: "#2e7d32", maintenance: "#ef6c00", planned: "#1565c0", retired: "#9e9e9e" };
  const SHAPE = {
    business_service: "round-rectangle", technical_service: "round-rectangle",
    application: "ellipse", database: "barrel", virtual_machine: "round-diamond",
    container: "round-diamond", server: "rectangle", hardware: "rectangle",
    cluster: "round-octagon", network_device: "diamond", iot_device: "triangle",
    cloud_resource: "round-hexagon",
  };
  const cy = cytoscape({
    container: box,
    wheelSensitivity: 0.3,
    minZoom: 0.1,
    maxZoom: 1.4,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
          "text-wrap": "wrap", "text-max-width": 120, "color": "#222",
          "background-color": (n) => STATUS[n.data("status")] || "#607d8b",
          "shape": (n) => SHAPE[n.data("ci_class")] || "ellipse",
          "width": 34, "height": 34, "border-width": 2, "border-color": "#37474f",
          "border-style": (n) => (n.data("expanded") ? "solid" : "dashed") } },
      { selector: "node[open_incidents > 0]", style: { "border-color": "#c62828", "border-width": 6 } },
      { selector: "node.root", style: { "width": 46, "height": 46 } },
      { selector: "node:selected", style: { "overlay-color": "#1565c0", "overlay-opacity": 0.2 } },
      { selector: "edge", style: {
          "width": 1.5, "curve-style": "bezier", "target-arrow-shape": "triangle",
          "line-color": "#90a4ae", "target-arrow-color": "#90a4ae",
          "label": "data(label)", "font-size": 8, "color": "#546e7a", "text-rotation": "autorotate" } },
      { selector: "edge[kind = 'backs_up']", style: { "line-style": "dotted" } },
    ],
    layout: { name: "grid" },
  });
  window.stewardServiceMap = cy; // for the end-to-end test and the browser console

  function label(n) {
    return n.name + (n.open_incidents > 0 ? "\n⚠ " + n.open_incidents : "");
  }

  function layout() {
    const root = cy.nodes(".root");
    cy.layout({ name: "breadthfirst", directed: false, roots: root, spacingFactor: 1.5,
                animate: false, padding: 20 }).run();
  }

  async function expand(id) {
    const node = cy.getElementById(String(id));
    if (node.nonempty() && node.data("expanded")) return;
    const response = await fetch(graphUrl(id), { credentials: "same-origin",
                                                 headers: { Accept: "application/json" } });
    if (!response.ok) { box.dataset.error = String(response.status); return; }
    const graph = await response.json();
    const add = [];
    for (const n of graph.nodes) {
      const existing = cy.getElementById(String(n.id));
      if (existing.nonempty()) {
        existing.data({ status: n.status, open_incidents: n.open_incidents, label: label(n) });
        continue;
      }
      add.push({ group: "nodes", data: { id: String(n.id), label: label(n), name: n.name,
        ci_class: n.ci_class, class_label: n.class_label, status: n.status,
        open_incidents: n.open_incidents, expanded: false } });
    }
    for (const e of graph.edges) {
      if (cy.getElementById("e" + e.id).nonempty()) continue;
      add.push({ group: "edges", data: { id: "e" + e.id, source: String(e.source),
        target: String(e.target), kind: e.kind, label: e.label } });
    }
    cy.add(add);
    if (graph.truncated) {
      // Only the first relationships of a very connected item are drawn: say so.
      const note = document.getElementById("map-truncated");
      if (note) note.hidden = false;
      box.dataset.truncated = "true";
    }
    cy.getElementById(String(id)).data("expanded", true);
    box.dataset.expanded = String(cy.nodes("[?expanded]").length);
    layout();
  }

  function show(node) {
    const out = document.getElementById("map-selected");
    if (!out) return;
    out.textContent = "";
    const link = document.createElement("a");
    link.href = detailUrl(node.id());
    link.textContent = node.data("name");
    out.append(link, " · " + node.data("class_label") + " · " + node.data("status"));
    if (node.data("open_incidents") > 0) out.append(" · ⚠ " + node.data("open_incidents"));
  }

  cy.on("tap", "node", (event) => { show(event.target); expand(event.target.id()); });
  const fit = document.getElementById("map-fit");
  if (fit) fit.addEventListener("click", () => cy.fit(undefined, 20));
  expand(box.dataset.start).then(() => {
    cy.getElementById(String(box.dataset.start)).addClass("root");
    layout();
    box.dataset.ready = "true";
  });
})();
