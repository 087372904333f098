// The dashboard's map: vendored Leaflet, no tile server. The base layer is the bundled boundaries (GeoJSON), over
// it the front lines of the time and the events as markers clustered when dense. Everything is fetched from this
// server's API with the session cookie; text from documents never reaches this script (markers carry ids, types,
// parties and statuses, set as text, never as HTML).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var PARTY_CLASS = { RU: "party-RU", UA: "party-UA" };
  // Without a tile layer the map has no zoom range of its own; clustering needs one.
  var map = L.map(el, { minZoom: 4, maxZoom: 13, zoomControl: true, attributionControl: true, preferCanvas: false, keyboard: true })
    .setView([48.5, 34.5], 6);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: Natural Earth (Crimea and Sevastopol shown as Ukraine)");

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(url + ": " + r.status); } return r.json(); });
  }

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) { node.className = cls; }
    return node;
  }

  function popup(p) {
    var box = document.createElement("div");
    box.appendChild(text("strong", p.type.replace(/_/g, " ")));
    box.appendChild(text("div", p.start + (p.end !== p.start ? " – " + p.end : "")));
    box.appendChild(text("div", "Alleged party: " + p.party + (p.basis && p.basis !== "stated" ? " (" + p.basis.replace(/_/g, " ") + ")" : "")));
    box.appendChild(text("div", "Finding: " + (p.status ? p.status.replace(/_/g, " ") : "none")));
    if (p.region) { box.appendChild(text("div", "Region: " + p.region)); }
    var link = text("a", "Open the event and its evidence");
    link.href = "/events/" + encodeURIComponent(p.id);
    box.appendChild(link);
    return box;
  }

  function marker(feature, latlng) {
    var p = feature.properties;
    var label = p.party === "RU" || p.party === "UA" ? p.party : "?";
    var status = (p.status || "none").replace(/[^a-z_]/g, "");
    var icon = L.divIcon({ className: "", iconSize: [26, 26],
      html: "<span class=\"marker " + (PARTY_CLASS[p.party] || "party-other") + " status-" + status + "\">" + label + "</span>" });
    var m = L.marker(latlng, { icon: icon, keyboard: true,
      title: p.type.replace(/_/g, " ") + ", " + p.start + ", alleged party " + p.party + ", finding " + (p.status || "none"),
      alt: label });
    m.bindPopup(function () { return popup(p); });
    return m;
  }

  getJSON(el.dataset.boundaries).then(function (geo) {
    var base = L.geoJSON(geo, {
      style: function (f) {
        return { color: "#8c8c8c", weight: 0.8, fillOpacity: 1,
                 fillColor: f.properties.country === "Ukraine" ? "#f4f1ea" : "#e2e2e2" };
      },
      onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name, { sticky: true }); }
    }).addTo(map);
    base.bringToBack();
    return getJSON(el.dataset.frontline);
  }).then(function (lines) {
    L.geoJSON(lines, { interactive: false,
      style: function () { return { color: "#7a3b00", weight: 2.5, dashArray: "6 4", opacity: 0.8 }; } }).addTo(map);
    return getJSON(el.dataset.features);
  }).then(function (events) {
    var cluster = L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false });
    var layer = L.geoJSON(events, { pointToLayer: marker });
    cluster.addLayer(layer);
    map.addLayer(cluster);
    if (events.features.length) {
      map.fitBounds(cluster.getBounds(), { maxZoom: 9, padding: [20, 20], animate: false });
    }
    if (!events.features.length) {
      el.appendChild(text("p", "No event with a place matches these filters; unplaced events are listed below.",
                          "map-note"));
    }
    el.dataset.loaded = String(events.features.length);
  }).catch(function (err) {
    if (window.console) { console.error(err); }
    el.dataset.loaded = "error";
    el.appendChild(text("p", "The map could not be loaded (" + err.message + "); the events are listed below.", "error"));
  });
}());
