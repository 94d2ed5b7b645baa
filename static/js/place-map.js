/* The location map: progressive enhancement over the street and postcode boxes.
 * Pin mode fills the form's hidden latitude/longitude; reports mode shows known reports as pins.
 * Keyboard: the map takes focus, arrow keys pan, Enter or Space drops the pin at the cross. */
(function () {
  "use strict";
  var box = document.querySelector("[data-place-map]");
  var configNode = document.getElementById("place-map-config");
  if (!box || !configNode || !window.L) return;
  var config = JSON.parse(configNode.textContent);
  var form = box.closest("form");
  var lat = form && form.querySelector("input[name=latitude]");
  var lng = form && form.querySelector("input[name=longitude]");
  var status = box.querySelector("[data-map-status]");
  var canvas = box.querySelector("[data-map-canvas]");
  box.hidden = false;

  function say(text) { status.textContent = text; }

  var map = L.map(canvas, { keyboard: true, keyboardPanDelta: 40 });
  map.setView(config.centre, config.pin || config.reports.length || config.zoomed ? 17 : 12);
  if (config.tiles) {
    var failed = false;
    L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 })
      .on("tileerror", function () {
        if (failed) return;
        failed = true;
        say("The map pictures could not be loaded. You can still use the map, or type the street and postcode.");
      })
      .addTo(map);
  }

  var bounds = [];
  var layer = config.cluster && L.markerClusterGroup ? L.markerClusterGroup() : map;
  if (layer !== map) map.addLayer(layer);
  // Built as elements with textContent: labels and snippets are residents' own words.
  function tooltip(report) {
    var box = document.createElement("div");
    box.className = "place-map__tooltip";
    var label = document.createElement("p");
    label.textContent = report.label;
    box.appendChild(label);
    if (report.snippet) {
      var text = document.createElement("p");
      text.textContent = "\u201C" + report.snippet + "\u201D";
      box.appendChild(text);
    }
    if (report.photo) {
      var img = document.createElement("img");
      img.src = report.photo;
      img.alt = "Photo of the reported problem";
      img.width = 160;
      box.appendChild(img);
    }
    return box;
  }
  config.reports.forEach(function (report) {
    var point = L.latLng(report.lat, report.lng);
    bounds.push(point);
    var pin = L.circleMarker(point, { radius: 9, color: "#1d70b8", weight: 3, fillOpacity: 0.6 })
      .bindTooltip(tooltip(report))
      .addTo(layer);
    pin.on("click", function () {
      var choice = form && form.querySelector("input[type=radio][value='" + report.id + "']");
      if (choice) { choice.checked = true; choice.focus(); }
      if (report.url) { window.location.href = report.url; }
    });
  });
  if (config.fit && bounds.length > 1) map.fitBounds(L.latLngBounds(bounds).pad(0.2));

  if (box.getAttribute("data-mode") !== "pin" || !lat || !lng) return;

  var marker = null;
  function drop(point) {
    if (!marker) {
      marker = L.marker(point, { keyboard: false, alt: "Pin: the place you are reporting" }).addTo(map);
    } else {
      marker.setLatLng(point);
    }
    lat.value = point.lat.toFixed(6);
    lng.value = point.lng.toFixed(6);
    say("Pin placed. Select Continue to use this place, or move the pin.");
  }
  if (config.pin) drop(L.latLng(config.centre));

  // The cross is the centre once the map stops moving (arrow-key pans are animated).
  var moving = false;
  map.on("movestart", function () { moving = true; });
  map.on("moveend", function () { moving = false; });
  function dropAtCross() {
    if (moving) {
      map.once("moveend", function () { drop(map.getCenter()); });
    } else {
      drop(map.getCenter());
    }
  }
  map.on("click", function (event) { drop(event.latlng); });
  canvas.addEventListener("keydown", function (event) {
    if (event.target !== canvas) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      dropAtCross();
    }
  });
  box.querySelector("[data-map-centre]").addEventListener("click", dropAtCross);

  var locate = box.querySelector("[data-map-locate]");
  if (!("geolocation" in navigator)) {
    locate.hidden = true;
  } else {
    locate.addEventListener("click", function () {
      say("Finding your location…");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var point = L.latLng(position.coords.latitude, position.coords.longitude);
          map.setView(point, 18);
          drop(point);
        },
        function () { say("We could not get your location. Search a postcode, or move the map instead."); },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
  }

  var search = box.querySelector("#place-map-postcode");
  function find() {
    var value = search.value.trim();
    if (!value) { say("Enter a postcode to find it on the map."); return; }
    fetch(config.postcode_url + "?postcode=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.error) { say(body.error); return; }
        map.setView([body.latitude, body.longitude], 17);
        say(body.outside || ("The map shows " + body.postcode + ". Click the place, or press Enter on the map to put the pin at the cross."));
      })
      .catch(function () { say("The postcode search is not working. Type the street and postcode instead."); });
  }
  box.querySelector("[data-map-search]").addEventListener("click", find);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); find(); }
  });
})();
