// One uPlot chart per plot the API answers ({ unit, x, series }: x in Unix seconds, one value array
// per series, aligned), with axes that speak the plot's unit. Bars for per-night and per-day counts.
// @ts-expect-error the server serves node_modules/uplot/dist/uPlot.esm.js here (src/serve/web.ts)
import uPlotModule from './vendor/uplot.js';
import { bytes, h, usd } from './dom.js';

/** @type {typeof import('uplot')} */
const uPlot = uPlotModule;

/** @typedef {{ unit: string, x: number[], series: Array<{ label: string, values: Array<number | null> }> }} Plot */

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/** @param {string} unit @returns {(v: number | null) => string} */
function formatter(unit) {
  switch (unit) {
    case 'bytes': return (v) => (v === null ? '—' : bytes(v));
    case 'USD': return (v) => (v === null ? '—' : usd(v));
    case 'percent': return (v) => (v === null ? '—' : `${v.toFixed(1)} %`);
    case 'seconds': return (v) => (v === null ? '—' : v >= 3600 ? `${(v / 3600).toFixed(1)} h` : v >= 60 ? `${(v / 60).toFixed(1)} min` : `${v.toFixed(0)} s`);
    default: return (v) => (v === null ? '—' : String(Math.round(v * 100) / 100));
  }
}

/**
 * A figure for `plot`; `draw()` puts the chart in once the figure is on the page (uPlot needs its
 * width). An empty plot says so instead of drawing empty axes.
 * @param {string} titleText
 * @param {Plot} plot
 * @param {{ bars?: boolean }} [o]
 * @returns {{ figure: HTMLElement, draw: () => void }}
 */
export function chart(titleText, plot, o = {}) {
  const figure = h('figure', { class: 'chart', 'data-chart': titleText });
  figure.append(h('figcaption', {}, titleText));
  const points = plot.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  if (plot.x.length === 0 || points === 0) {
    figure.append(h('p', { class: 'muted empty' }, 'No data yet: runs and `panther serve` fill this in as time passes.'));
    return { figure, draw: () => {} };
  }
  return { figure, draw: () => draw(figure, plot, o.bars === true) };
}

/** @param {HTMLElement} figure @param {Plot} plot @param {boolean} asBars */
function draw(figure, plot, asBars) {
  const fmt = formatter(plot.unit);
  const bars = asBars ? uPlot.paths.bars?.({ size: [0.6, 40] }) : undefined;
  /** @type {import('uplot').Options} */
  const opts = {
    width: Math.max(280, figure.clientWidth - 20),
    height: 240,
    // Bars start at zero: a bar cut off at its base would lie about its size.
    scales: { x: { time: true }, ...(asBars ? { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } } : {}) },
    axes: [{}, { values: (_u, vals) => vals.map((v) => fmt(v)), size: 84, ...(plot.unit === '1' ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] } : {}) }],
    series: [
      {},
      ...plot.series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        ...(bars === undefined ? {} : { paths: bars, fill: `${COLORS[i % COLORS.length]}55`, points: { show: false } }),
        // A budget line is a limit, not a measurement: dashed.
        ...(s.label === 'budget' ? { dash: [6, 4], paths: undefined, fill: undefined } : {}),
        value: (/** @type {any} */ _u, /** @type {number | null} */ v) => fmt(v),
        spanGaps: false,
      })),
    ],
  };
  /** @type {import('uplot').AlignedData} */
  const data = [plot.x, ...plot.series.map((s) => s.values)];
  new uPlot(opts, data, figure);
}
