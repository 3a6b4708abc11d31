// A small time-series line chart on <canvas>: a rolling window of points, one line per series,
// gaps where a value is null (no samples in that minute), y axis from 0 with round ticks.
// Nothing is loaded from the network; the page's CSP allows only its own files.

const WINDOW_MS = 5 * 60_000;

export class LineChart {
  /** @param {HTMLCanvasElement} canvas @param {{ series: { label: string, color: string }[], format?: (v: number) => string, integer?: boolean }} opts */
  constructor(canvas, opts) {
    this.canvas = canvas;
    // counts (calls, queue depth) get whole-number ticks
    this.integer = opts.integer === true;
    this.series = opts.series;
    this.format = opts.format ?? ((v) => String(Math.round(v)));
    /** @type {{ t: number, v: (number|null)[] }[]} */
    this.points = [];
    this.dirty = true;
    new ResizeObserver(() => {
      this.dirty = true;
      this.draw();
    }).observe(canvas);
  }

  push(t, values) {
    this.points.push({ t, v: values });
    const cutoff = t - WINDOW_MS;
    while (this.points.length && this.points[0].t < cutoff) this.points.shift();
    this.dirty = true;
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight || 150;
    if (!w) return;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue('--muted').trim() || '#888';
    const line = css.getPropertyValue('--line').trim() || '#ddd';
    const pad = { l: 44, r: 8, t: 18, b: 16 };
    const pw = w - pad.l - pad.r;
    const ph = h - pad.t - pad.b;
    const now = this.points.length ? this.points[this.points.length - 1].t : Date.now();
    const t0 = now - WINDOW_MS;

    let max = 0;
    for (const p of this.points) for (const v of p.v) if (v !== null && v > max) max = v;
    const raw = niceStep(max / 3 || 1);
    const step = this.integer ? Math.max(1, raw) : raw;
    const top = Math.max(step, Math.ceil(max / step) * step);

    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    g.lineWidth = 1;
    for (let y = 0; y <= top + 1e-9; y += step) {
      const py = pad.t + ph - (y / top) * ph;
      g.strokeStyle = line;
      g.beginPath();
      g.moveTo(pad.l, Math.round(py) + 0.5);
      g.lineTo(pad.l + pw, Math.round(py) + 0.5);
      g.stroke();
      g.fillStyle = muted;
      g.textAlign = 'right';
      g.fillText(this.format(y), pad.l - 6, py);
    }
    g.textAlign = 'left';
    g.fillText('-5 min', pad.l, h - 6);
    g.textAlign = 'right';
    g.fillText('now', pad.l + pw, h - 6);

    const x = (t) => pad.l + ((t - t0) / WINDOW_MS) * pw;
    const y = (v) => pad.t + ph - (v / top) * ph;
    this.series.forEach((s, i) => {
      g.strokeStyle = css.getPropertyValue(s.color).trim() || s.color;
      g.lineWidth = 1.6;
      g.beginPath();
      let pen = false;
      const lone = [];
      const pts = this.points;
      const has = (k) => k >= 0 && k < pts.length && pts[k].v[i] !== null && pts[k].v[i] !== undefined;
      for (let k = 0; k < pts.length; k++) {
        if (!has(k)) {
          pen = false;
          continue;
        }
        const px = x(pts[k].t);
        const py = y(pts[k].v[i]);
        if (pen) g.lineTo(px, py);
        else g.moveTo(px, py);
        // A sample with no neighbour draws no segment; show it as a dot.
        if (!has(k - 1) && !has(k + 1)) lone.push([px, py]);
        pen = true;
      }
      g.stroke();
      g.fillStyle = g.strokeStyle;
      for (const [px, py] of lone) {
        g.beginPath();
        g.arc(px, py, 2, 0, 2 * Math.PI);
        g.fill();
      }
    });

    // Legend with the latest value of each series.
    let lx = pad.l;
    g.textAlign = 'left';
    const last = this.points[this.points.length - 1];
    this.series.forEach((s, i) => {
      const v = last ? last.v[i] : null;
      const text = `${s.label} ${v === null || v === undefined ? '–' : this.format(v)}`;
      g.fillStyle = css.getPropertyValue(s.color).trim() || s.color;
      g.fillRect(lx, 5, 10, 3);
      g.fillStyle = muted;
      g.fillText(text, lx + 14, 7);
      lx += g.measureText(text).width + 30;
    });
  }
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
