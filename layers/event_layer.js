// Event layers on a canvas (issue 13): compact columns (layers/event_data.py), drawn as
// hexagon counts when zoomed out and as points when zoomed in; a time window ending at
// a day, filters by type and actor, a histogram of events per day whose window can be
// dragged, and the nearest event's card on a click. Never one DOM element per event.
(function () {
  if (window.postureEvents) return;
  // The zoom below which hexagons stand for the points, and the colours by type, come
  // with each layer (layers/event_layer.py), as the legend states them.
  var HEX_RADIUS = 16, PICK_PX = 10, DAY_MS = 86400000;
  var loaded = {}, active = [], filter = {to: null, days: 30, types: null, actors: null},
      histogram = null, theMap = null, commit = null;

  function parse(buffer) {
    var length = new DataView(buffer).getUint32(0, true);
    var header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
    var start = 4 + length, n = header.count, kinds = {
      float32: Float32Array, uint32: Uint32Array, uint16: Uint16Array, uint8: Uint8Array};
    header.columns.forEach(function (c) {
      header[c.name] = new kinds[c.type](buffer, start + c.offset, n);
    });
    header.epochDay = Math.round(Date.parse(header.epoch + 'T00:00:00Z') / DAY_MS);
    header.chunks = {};
    return header;
  }
  function load(url) {
    if (!loaded[url]) {
      // The name carries a hash of the content: any cached copy is the right one.
      loaded[url] = fetch(url, {cache: 'force-cache'}).then(function (r) {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        return r.arrayBuffer();
      }).then(parse);
    }
    return loaded[url];
  }
  function dayOf(iso) { return Math.round(Date.parse(iso + 'T00:00:00Z') / DAY_MS); }
  function isoOf(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }
  function firstAtLeast(days, epochDay, day) {
    var lo = 0, hi = days.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (days[mid] + epochDay < day) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  function codes(texts, wanted) {
    if (!wanted) return null;
    var set = new Uint8Array(texts.length);
    texts.forEach(function (text, i) { if (wanted.indexOf(text) >= 0) set[i] = 1; });
    return set;
  }
  // The events a layer shows: in the window and through the filters (indices, by day).
  function selected(d, withWindow) {
    if (d.windowed === false) {  // a large layer's points, not events: all of them
      var all = new Uint32Array(d.count);
      for (var a = 0; a < d.count; a++) all[a] = a;
      return all;
    }
    var types = codes(d.types, filter.types), actors = codes(d.actors, filter.actors);
    var lo = 0, hi = d.count;
    if (withWindow && filter.to !== null) {
      lo = firstAtLeast(d.day, d.epochDay, filter.to - filter.days + 1);
      hi = firstAtLeast(d.day, d.epochDay, filter.to + 1);
    }
    var out = new Uint32Array(Math.max(hi - lo, 0)), k = 0;
    for (var i = lo; i < hi; i++) {
      if (types && !types[d.type[i]]) continue;
      if (actors && !actors[d.actor1[i]] && !actors[d.actor2[i]]) continue;
      out[k++] = i;
    }
    return out.subarray(0, k);
  }

  var CanvasEvents = L.Layer.extend({
    initialize: function (config) { this.config = config; this.data = null; },
    onAdd: function (map) {
      this._map = map;
      this._canvas = L.DomUtil.create('canvas', 'posture-events leaflet-zoom-hide');
      this._canvas.style.pointerEvents = 'none';
      // Its own pane: above the basemap and the areas (400), under the markers (600).
      var pane = map.getPane('postureEvents') || map.createPane('postureEvents');
      pane.style.zIndex = 450; pane.style.pointerEvents = 'none';
      pane.appendChild(this._canvas);
      map.on('moveend zoomend resize', this.redraw, this);
      map.on('click', this._click, this);
      map.on('mousemove', this._hover, this);
      active.push(this);
      var self = this;
      load(this.config.url).then(function (d) { self.data = d; refresh(); })
        .catch(function (e) { self.error = String(e); });
    },
    onRemove: function (map) {
      map.off('moveend zoomend resize', this.redraw, this);
      map.off('click', this._click, this);
      map.off('mousemove', this._hover, this);
      if (this._tip) map.removeLayer(this._tip);
      L.DomUtil.remove(this._canvas);
      active = active.filter(function (l) { return l !== this; }, this);
      refresh();
    },
    redraw: function () {
      if (!this.data || !this._map) return;
      var map = this._map, size = map.getSize(), canvas = this._canvas, d = this.data;
      var ratio = window.devicePixelRatio || 1;
      canvas.width = size.x * ratio; canvas.height = size.y * ratio;
      canvas.style.width = size.x + 'px'; canvas.style.height = size.y + 'px';
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      var ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      var picked = this.selection = selected(d, true);
      // An event without coordinates (NaN) is in the window and counted, never drawn.
      var drawn = new Uint32Array(picked.length), n = 0, precise3 = 0;
      for (var j = 0; j < picked.length; j++) if (d.lon[picked[j]] === d.lon[picked[j]]) drawn[n++] = picked[j];
      drawn = this.drawn = drawn.subarray(0, n);
      var xs = this.xs = new Float32Array(n), ys = this.ys = new Float32Array(n);
      for (var k = 0; k < n; k++) {
        var p = map.latLngToContainerPoint([d.lat[drawn[k]], d.lon[drawn[k]]]);
        xs[k] = p.x; ys[k] = p.y;
        if (d.precision[drawn[k]] === 3) precise3++;
      }
      this.precision3 = precise3;
      this.unplaced = picked.length - n;
      this.mode = map.getZoom() < this.config.density_below_zoom ? 'density' : 'points';
      if (this.mode === 'density') this._hexagons(ctx, size); else this._points(ctx, size);
    },
    _hexagons: function (ctx, size) {
      var w = Math.sqrt(3) * HEX_RADIUS, h = 1.5 * HEX_RADIUS, bins = {}, most = 0;
      for (var k = 0; k < this.xs.length; k++) {
        var row = Math.round(this.ys[k] / h);
        var col = Math.round((this.xs[k] - (row & 1) * w / 2) / w);
        var key = row + ',' + col;
        most = Math.max(most, bins[key] = (bins[key] || 0) + 1);
      }
      this.bins = bins;
      ctx.font = '10px sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
      Object.keys(bins).forEach(function (key) {
        var parts = key.split(','), row = +parts[0], col = +parts[1], n = bins[key];
        var cx = col * w + (row & 1) * w / 2, cy = row * h;
        if (cx < -w || cy < -h || cx > size.x + w || cy > size.y + h) return;
        ctx.beginPath();
        for (var i = 0; i < 6; i++) {
          var a = Math.PI / 180 * (60 * i - 30);
          ctx.lineTo(cx + (HEX_RADIUS - 1) * Math.cos(a), cy + (HEX_RADIUS - 1) * Math.sin(a));
        }
        ctx.closePath();
        ctx.fillStyle = 'rgba(153, 0, 13, ' + (0.12 + 0.55 * Math.log(1 + n) / Math.log(1 + most)) + ')';
        ctx.fill();
        ctx.fillStyle = '#fff'; ctx.strokeStyle = 'rgba(0,0,0,0.6)'; ctx.lineWidth = 2;
        ctx.strokeText(String(n), cx, cy); ctx.fillText(String(n), cx, cy);
      });
    },
    _points: function (ctx, size) {
      var d = this.data;
      for (var k = 0; k < this.xs.length; k++) {
        var x = this.xs[k], y = this.ys[k], i = this.drawn[k];
        if (x < -20 || y < -20 || x > size.x + 20 || y > size.y + 20) continue;
        var f = d.fatalities[i], r = f === 0xFFFFFFFF ? 3 : 3 + Math.min(9, 1.5 * Math.sqrt(f));
        var palette = this.config.palette;
        var colour = palette[(d.type[i] - 1 + palette.length) % palette.length];
        ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
        if (d.precision[i] === 3) {  // a province's capital standing for the province: a ring
          ctx.setLineDash([2, 2]); ctx.strokeStyle = colour; ctx.lineWidth = 1.5; ctx.stroke();
          ctx.setLineDash([]);
        } else {
          ctx.globalAlpha = d.precision[i] === 2 ? 0.5 : 0.85;
          ctx.fillStyle = colour; ctx.fill(); ctx.globalAlpha = 1;
        }
      }
    },
    nearest: function (point) {
      var best = -1, bestDistance = PICK_PX * PICK_PX;
      for (var k = 0; k < (this.xs || []).length; k++) {
        var dx = this.xs[k] - point.x, dy = this.ys[k] - point.y, d2 = dx * dx + dy * dy;
        if (d2 <= bestDistance) { best = this.drawn[k]; bestDistance = d2; }
      }
      return best;
    },
    _click: function (e) {
      if (!this.data || this.mode !== 'points') return;
      var i = this.nearest(e.containerPoint);
      if (i >= 0) this.openCard(i);
    },
    // Hovering names the nearest event from the columns alone (no fetch): its day, type,
    // actors, fatalities and source; a click opens the whole card.
    _hover: function (e) {
      if (!this.data || this.mode !== 'points' || this._hoverQueued) return;
      this._hoverQueued = true;
      var self = this, point = e.containerPoint;
      requestAnimationFrame(function () {
        self._hoverQueued = false;
        var i = self.nearest(point), d = self.data, map = self._map;
        if (i < 0) { if (self._tip) map.removeLayer(self._tip); return; }
        var f = d.fatalities[i], box = document.createElement('div');
        box.className = 'posture-event-hover';
        box.dir = 'auto';
        box.dataset.eventIndex = String(i);
        [isoOf(d.day[i] + d.epochDay) + ' · ' + d.types[d.type[i]],
         [d.actors[d.actor1[i]], d.actors[d.actor2[i]]].filter(Boolean).join(' / '),
         d.windowed === false ? '' : d.labels.fatalities + ': ' + (f === 0xFFFFFFFF ? d.labels.none : f),
         d.labels.sources + ': ' + d.sources[d.source[i]]].filter(Boolean).forEach(function (text) {
          var line = document.createElement('div');
          line.textContent = text;
          box.appendChild(line);
        });
        self._tip = self._tip || L.tooltip({direction: 'top', offset: [0, -6]});
        self._tip.setLatLng([d.lat[i], d.lon[i]]).setContent(box);
        if (!map.hasLayer(self._tip)) self._tip.addTo(map);
      });
    },
    card: function (i) {
      var d = this.data, chunk = Math.floor(i / d.card_chunk);
      if (!d.chunks[chunk]) {
        d.chunks[chunk] = fetch(d.cards[chunk], {cache: 'force-cache'})
          .then(function (r) { return r.json(); });
      }
      return d.chunks[chunk].then(function (cards) { return cards[i % d.card_chunk]; });
    },
    openCard: function (i) {
      var d = this.data, map = this._map, labels = d.labels;
      return this.card(i).then(function (c) {
        // Built from text nodes only: a hostile note stays text (DESIGN.md).
        var box = document.createElement('div');
        box.className = 'posture-event-card';
        box.dir = 'auto';
        box.dataset.eventId = c.id;
        function line(tag, text, label) {
          if (!text) return;
          var el = document.createElement(tag);
          if (label) {
            var b = document.createElement('b'); b.textContent = label + ': ';
            el.appendChild(b);
          }
          el.appendChild(document.createTextNode(text));
          box.appendChild(el);
        }
        var f = d.fatalities[i];
        line('strong', c.name);
        line('div', c.date);
        line('div', d.types[d.type[i]] + (c.sub_type ? ' – ' + c.sub_type : ''), labels.type);
        line('div', [d.actors[d.actor1[i]], d.actors[d.actor2[i]]].filter(Boolean).join(' / '),
             labels.actors);
        if (d.windowed !== false) line('div', f === 0xFFFFFFFF ? labels.none : String(f), labels.fatalities);
        line('div', c.where + (d.precision[i] === 3 ? ' (' + labels.precision3 + ')' : ''),
             labels.where);
        line('div', c.notes, labels.notes);
        line('div', c.sources, labels.sources);
        line('div', c.reported, labels.reported);
        L.popup({maxWidth: 360, autoPanPaddingBottomRight: [20, 90]}).setLatLng([d.lat[i], d.lon[i]]).setContent(box).openOn(map);
        return c;
      });
    }
  });

  // The histogram under the map: events per day over the layers' whole span, through
  // the filters, with the window shaded; dragging the window moves it.
  var Histogram = L.Control.extend({
    options: {position: 'bottomleft'},
    onAdd: function (map) {
      var box = L.DomUtil.create('div', 'posture-histogram leaflet-bar');
      box.style.cssText = 'background: rgba(255,255,255,0.85); padding: 2px 4px; cursor: ew-resize;';
      this._canvas = L.DomUtil.create('canvas', '', box);
      this._caption = L.DomUtil.create('div', 'posture-histogram-caption', box);
      this._caption.style.cssText = 'font: 11px sans-serif; color: #333;';
      this._caption.dir = 'auto';  // Arabic reads from the right
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var self = this;
      this._canvas.addEventListener('pointerdown', function (e) {
        self._drag = {x: e.clientX, to: filter.to};
        self._canvas.setPointerCapture(e.pointerId);
      });
      this._canvas.addEventListener('pointermove', function (e) {
        if (!self._drag || !self._span) return;
        var moved = Math.round((e.clientX - self._drag.x) / self._span.perDay);
        var to = Math.min(self._span.last, Math.max(self._span.first, self._drag.to + moved));
        if (to !== filter.to) { filter.to = to; refresh(); }
      });
      this._canvas.addEventListener('pointerup', function () {
        if (self._drag && self._drag.to !== filter.to && commit) commit(isoOf(filter.to));
        self._drag = null;
      });
      return box;
    },
    draw: function () {
      var shown = active.filter(windowed);
      var width = Math.max(200, theMap.getSize().x - 140), height = 32, canvas = this._canvas;
      canvas.width = width; canvas.height = height;
      var ctx = canvas.getContext('2d'), first = Infinity, last = -Infinity;
      shown.forEach(function (l) {
        if (!l.data.count) return;
        first = Math.min(first, l.data.day[0] + l.data.epochDay);
        last = Math.max(last, l.data.day[l.data.count - 1] + l.data.epochDay);
      });
      if (!shown.length || first > last) { this._span = null; return; }
      var perDay = width / (last - first + 1), counts = new Uint32Array(last - first + 1);
      shown.forEach(function (l) {
        var all = selected(l.data, false);
        for (var k = 0; k < all.length; k++) counts[l.data.day[all[k]] + l.data.epochDay - first]++;
      });
      var most = Math.max.apply(null, Array.prototype.slice.call(counts).concat([1]));
      this._span = {first: first, last: last, perDay: perDay};
      var to = filter.to === null ? last : filter.to;
      ctx.fillStyle = 'rgba(43, 140, 190, 0.25)';
      ctx.fillRect((to - filter.days + 1 - first) * perDay, 0, filter.days * perDay, height);
      ctx.fillStyle = '#444';
      for (var day = 0; day < counts.length; day++) {
        var bar = (height - 4) * counts[day] / most;
        ctx.fillRect(day * perDay, height - bar, Math.max(perDay - 0.5, 0.5), bar);
      }
      var inWindow = shown.reduce(function (n, l) { return n + (l.selection || []).length; }, 0);
      var unplaced = shown.reduce(function (n, l) { return n + (l.unplaced || 0); }, 0);
      this._caption.textContent = windowCaption(inWindow, unplaced, to);
    }
  });
  function windowCaption(n, unplaced, to) {
    var labels = (active[0] && active[0].data && active[0].data.labels) || {};
    var text = (labels.window || '').replace('{count}', n.toLocaleString('en'))
      .replace('{days}', filter.days).replace('{from}', isoOf(to - filter.days + 1))
      .replace('{to}', isoOf(to));
    if (unplaced && labels.unplaced) text += ' ' + labels.unplaced.replace('{count}', unplaced.toLocaleString('en'));
    return text;
  }

  // A layer of events, loaded: the histogram and its window are theirs alone.
  function windowed(l) { return l.data && l.data.windowed !== false; }

  function shownLayer(layerId) {
    return active.filter(function (l) { return l.layerId === layerId; })[0];
  }

  function refresh() {
    active.forEach(function (l) { l.redraw(); });
    if (!theMap) return;
    var any = active.some(windowed);
    if (any && !histogram) histogram = new Histogram().addTo(theMap);
    if (!any && histogram) { histogram.remove(); histogram = null; }
    if (histogram) histogram.draw();
  }

  window.postureEvents = {
    // The bundle's function for an event layer (layers/builder.py) calls this.
    layer: function (parent, map, config) {
      theMap = map;
      var layer = new CanvasEvents(config);
      layer.layerId = config.layer;
      parent.addLayer(layer);
      return layer;
    },
    // The window and filters the page chose (app.py sends them on every rerun).
    setFilter: function (next, commitLabel) {
      filter = {to: next.to === null ? null : dayOf(next.to), days: next.days,
                types: next.types, actors: next.actors};
      commit = commitLabel ? function (iso) { commitToPage(commitLabel, iso); } : null;
      refresh();
    },
    // For tests and benchmarks: what each shown event layer drew.
    stats: function () {
      return active.map(function (l) {
        return {layer: l.layerId, loaded: !!l.data, error: l.error || null,
                total: l.data ? l.data.count : 0, inWindow: (l.selection || []).length,
                precision3: l.precision3 || 0, unplaced: l.unplaced || 0,
                drawn: (l.drawn || []).length, mode: l.mode || null,
                windowed: l.data ? l.data.windowed !== false : null};
      });
    },
    openCard: function (layerId, i) {
      var l = shownLayer(layerId);
      return l ? l.openCard(i) : Promise.resolve(null);
    },
    // An event's card data (its chunk fetched if need be), without opening it.
    cardOf: function (layerId, i) {
      var l = shownLayer(layerId);
      return l ? l.card(i) : Promise.resolve(null);
    },
    filter: function () { return filter; }
  };

  // The dragged window's end goes to the page's "events up to" box, so the rerun, the
  // URL and the exports follow the map (same-origin iframe, as the layer switches).
  function commitToPage(label, iso) {
    try {
      var input = window.parent.document.querySelector('input[aria-label="' + label + '"]');
      if (!input) return;
      var setter = Object.getOwnPropertyDescriptor(
        window.parent.HTMLInputElement.prototype, 'value').set;
      setter.call(input, iso);
      input.dispatchEvent(new Event('input', {bubbles: true}));
      input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
    } catch (e) { /* the map has moved; the page keeps its own window */ }
  }
})();
