// Label placement for the live map and the HTML export: no two labels overlap and
// no label covers a point symbol, at any zoom, in either language.
//
// Point-feature label placement as cartography does it: each label has a few
// candidate positions around its anchor; labels are taken in order of priority
// (posture and counts, then places, governorates, countries) and each takes the
// first candidate that is free. A posture label that has to move far gets a
// leader line to its anchor; any other label that finds no free slot is hidden
// at this zoom and tried again after the next zoom or layer change.
//
// Called with the Leaflet map and whether the page reads right to left.
(function (map, rtl) {
  var leaders = L.layerGroup();
  var placing = false;
  var scheduled = false;
  window.postureLabelRuns = 0;

  function priorityOf(el) {
    var c = el.classList;
    if (c.contains("posture-label")) return c.contains("place") ? 1 : 0;
    if (c.contains("governorate-label")) return 2;
    if (c.contains("country-label")) return 3;
    return -1;
  }

  function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }

  function within(box, size) {
    return box.x >= 0 && box.y >= 0 && box.x + box.w <= size.x && box.y + box.h <= size.y;
  }

  function labels() {
    var found = [];
    map.eachLayer(function (layer) {
      var el = layer._icon;
      if (!el || !(layer instanceof L.Marker)) return;
      var priority = priorityOf(el);
      if (priority < 0 || !el.firstElementChild) return;
      found.push({layer: layer, el: el, span: el.firstElementChild, priority: priority});
    });
    return found;
  }

  // Small circle markers (places, events, small counts) and movement arrows must
  // stay visible and clickable; large proportional circles are areas a label may cross.
  function pointBoxes(origin) {
    var boxes = [];
    map.eachLayer(function (layer) {
      var icon = layer._icon;
      // A movement arrow (a unit's symbol is unitParts' own).
      if (icon && icon.classList.contains("posture-arrow") && icon.firstElementChild) {
        var r = icon.firstElementChild.getBoundingClientRect();
        if (!r.width || !r.height) return;
        boxes.push({x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height});
        return;
      }
      if (layer instanceof L.CircleMarker && layer._path && layer.getRadius() <= 10) {
        var c = map.latLngToContainerPoint(layer.getLatLng());
        var r = layer.getRadius() + (layer.options.weight || 0) / 2;
        boxes.push({x: c.x - r, y: c.y - r, w: 2 * r, h: 2 * r});
      }
    });
    return boxes;
  }

  // A unit's symbol: its frame (the SVG's shapes) stays clear like a point; its
  // amplifiers (the SVG's texts: the count above, the actor beside) are labels fixed to
  // the symbol. Units already faded as stale come last, so a current figure wins.
  function unitParts(origin) {
    var units = [];
    map.eachLayer(function (layer) {
      var icon = layer._icon;
      if (!icon || !icon.classList.contains("posture-unit") || !icon.firstElementChild) return;
      var svg = icon.firstElementChild, frame = null, texts = [];
      svg.querySelectorAll("path, circle, ellipse, rect, polygon, polyline, line")
        .forEach(function (shape) {
          var r = shape.getBoundingClientRect();
          if (!r.width && !r.height) return;
          var box = {x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height};
          frame = frame ? union(frame, box) : box;
        });
      svg.querySelectorAll("text").forEach(function (text) {
        var r = text.getBoundingClientRect();
        if (r.width && r.height)
          texts.push({el: text, box: {x: r.left - origin.left, y: r.top - origin.top,
                                      w: r.width, h: r.height}});
      });
      units.push({frame: frame, texts: texts,
                  stale: icon.classList.contains("posture-stale") ? 1 : 0});
    });
    units.forEach(function (unit, order) { unit.order = order; });
    units.sort(function (a, b) { return a.stale - b.stale || a.order - b.order; });
    return units;
  }

  function union(a, b) {
    var x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
    return {x: x, y: y, w: Math.max(a.x + a.w, b.x + b.w) - x,
            h: Math.max(a.y + a.h, b.y + b.h) - y};
  }

  function candidates(label) {
    var b = label.box, a = label.anchor, step = b.h + 2;
    var centred = label.priority >= 2;
    // The mirror image of the authored position across the anchor: left of the
    // point instead of right. Right-to-left text prefers it.
    var mirrored = 2 * a.x - b.x - b.w;
    var xs = centred ? [b.x] : rtl ? [mirrored, b.x] : [b.x, mirrored];
    var near = centred ? [0, -step / 2, step / 2] : [0, -step, step];
    // Further away, a posture label keeps a leader line to its anchor.
    var far = label.priority === 0 ? [-2 * step, 2 * step, -3 * step, 3 * step, -4 * step,
                                      4 * step] : [];
    var list = [];
    near.concat(far).forEach(function (shift, index) {
      xs.forEach(function (x) {
        list.push({box: {x: x, y: b.y + shift, w: b.w, h: b.h}, leader: index >= near.length});
      });
    });
    return list;
  }

  function leaderLine(label, box) {
    var a = label.anchor;
    var end = L.point(box.x < a.x ? box.x + box.w : box.x, box.y + box.h / 2);
    return L.polyline([map.containerPointToLatLng(a), map.containerPointToLatLng(end)],
                      {interactive: false, weight: 1, color: "#444", opacity: 0.8,
                       className: "label-leader"});
  }

  // Set up below; `place` also observes each label it measures.
  var sized = window.ResizeObserver ? new ResizeObserver(function () { schedule(); }) : null;

  function place() {
    var started = performance.now();
    placing = true;
    try {
      leaders.clearLayers();
      var all = labels();
      // A label's own size changing (its font or text arriving late) places again.
      if (sized) all.forEach(function (label) { sized.observe(label.span); });
      // Write, then read, then write: no layout is forced inside the loops.
      all.forEach(function (label) {
        label.span.style.transform = "";
        label.el.style.visibility = "";
      });
      map.getContainer().querySelectorAll(".posture-unit svg text").forEach(function (text) {
        text.style.visibility = "";
      });
      var origin = map.getContainer().getBoundingClientRect();
      all.forEach(function (label, order) {
        var r = label.span.getBoundingClientRect();
        label.box = {x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height};
        label.anchor = map.latLngToContainerPoint(label.layer.getLatLng());
        label.order = order;
      });
      all.sort(function (a, b) { return a.priority - b.priority || a.order - b.order; });
      var taken = pointBoxes(origin);
      var units = unitParts(origin);
      var frames = units.map(function (unit) { return unit.frame; });
      var kept = [];
      // Amplifiers cannot move: one that would overprint another symbol or an amplifier
      // kept before it gives way at this zoom (closer in, the symbols part and it
      // returns). Against its own frame it may touch.
      units.forEach(function (unit) {
        var obstacles = taken.concat(frames.filter(function (f) {
          return f && f !== unit.frame;
        }));
        unit.texts.forEach(function (text) {
          // From another amplifier, a gap of a pixel or two: "2,500" and "495,000" side
          // by side would read as one number.
          var b = text.box, padded = {x: b.x - 2, y: b.y - 1, w: b.w + 4, h: b.h + 2};
          if (obstacles.some(function (box) { return overlaps(box, b); }) ||
              kept.some(function (box) { return overlaps(box, padded); })) {
            text.el.style.visibility = "hidden";
          } else {
            kept.push(text.box);
          }
        });
      });
      taken = taken.concat(frames.filter(Boolean), kept);
      var size = map.getSize();
      all.forEach(function (label) {
        if (!label.box.w || !label.box.h) return;
        var choice = null;
        // A slot inside the frame first: a label pushed off the edge reads as missing.
        var listed = candidates(label);
        var inside = listed.filter(function (c) { return within(c.box, size); });
        inside.concat(listed.filter(function (c) { return !within(c.box, size); }))
        .some(function (candidate) {
          var free = !taken.some(function (box) { return overlaps(box, candidate.box); });
          if (free) choice = candidate;
          return free;
        });
        if (!choice) {
          label.el.style.visibility = "hidden";
          return;
        }
        taken.push(choice.box);
        var dx = choice.box.x - label.box.x, dy = choice.box.y - label.box.y;
        if (dx || dy) label.span.style.transform = "translate(" + dx + "px, " + dy + "px)";
        if (choice.leader) leaders.addLayer(leaderLine(label, choice.box));
      });
      if (!map.hasLayer(leaders)) leaders.addTo(map);
    } finally {
      placing = false;
      window.postureLabelMs = performance.now() - started;
      window.postureLabelRuns += 1;
    }
  }

  function schedule() {
    if (placing || scheduled) return;
    scheduled = true;
    // Layers arrive one marker at a time: place once, after the burst.
    setTimeout(function () { scheduled = false; place(); }, 0);
  }

  window.posturePlaceLabels = place;
  map.on("zoomend moveend viewreset resize layeradd layerremove", schedule);
  // A label measured before its font has loaded has another width (and an Arabic one may
  // wrap): place again once the fonts are in, or the first view keeps the wrong slots.
  if (document.fonts) {
    document.fonts.ready.then(schedule);
    if (document.fonts.addEventListener) document.fonts.addEventListener("loadingdone", schedule);
  }
  window.addEventListener("load", schedule);
  // streamlit-folium lays the map's frame out at height 0 and sizes it afterwards. The
  // map's own box is fixed, so Leaflet sees no resize, but what was measured in the
  // empty frame was wrong (labels piled, leaders off the map): place again.
  window.addEventListener("resize", schedule);
  // And whatever changes the map's box or a label's size without an event Leaflet fires:
  // the first view was placed two or three times before its labels had their final sizes
  // (each label is observed too, in `place`), and stayed piled until the map was moved.
  if (sized) {
    sized.observe(map.getContainer());
    sized.observe(document.documentElement);
  }
  schedule();
})
