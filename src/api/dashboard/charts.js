// The last hour (GET /v1/queue/history) as uPlot charts; uPlot is the global of /dashboard/vendor/uPlot.iife.min.js.
import { $, el } from './dom.js';

const CHARTS = [
  {
    id: 'orders',
    title: 'Orders accepted and finished per minute',
    series: [
      ['accepted', '#2f6fdb'],
      ['finished', '#1f9d55'],
    ],
  },
  {
    id: 'wait',
    title: 'Wait to dispatch by tier (p50 / p95)',
    series: [
      ['waitP95.premium', '#c39bd3', [4, 4]],
      ['waitP50.premium', '#8e44ad'],
      ['waitP95.standard', '#8fb3ee', [4, 4]],
      ['waitP50.standard', '#2f6fdb'],
      ['waitP95.free', '#f0c27b', [4, 4]],
      ['waitP50.free', '#d68910'],
    ],
  },
  {
    id: 'budget',
    title: 'Provider calls per minute against the limit and the reserve',
    series: [
      ['providerCalls', '#2f6fdb'],
      ['providerLimit', '#c0392b', [6, 4]],
      ['providerBudget', '#d68910', [2, 3]],
    ],
  },
  {
    id: 'attention',
    title: 'Parked (NEEDS_ATTENTION) and failed orders',
    series: [
      ['parked', '#d68910'],
      ['failed', '#c0392b'],
    ],
  },
];

const NOT_ENOUGH = 'not enough data yet';
const plots = new Map();

function chartBox(chart) {
  return el(
    'div',
    { className: 'chart', id: `chart-${chart.id}`, dataset: { chart: chart.id } },
    el('h3', { text: chart.title }),
    el('p', { className: 'chart-window muted' }),
    el('p', { className: 'chart-empty', text: NOT_ENOUGH, hidden: '' }),
    el('div', { className: 'chart-plot' }),
    el('p', { className: 'chart-notes muted' }),
  );
}

function windowText(view, series) {
  const units = [...new Set(series.map((s) => s.unit))].join(', ');
  const sources = [...new Set(series.map((s) => s.source))].join('; ');
  const minutes = Math.round(view.window.seconds / 60);
  return `Last ${minutes} min, one value per ${view.bucketSeconds} s (${units}); from ${sources}.`;
}

const plotWidth = (box) => Math.max(280, Math.min(720, box.clientWidth || 360));

function makePlot(box, chart, series) {
  const target = box.querySelector('.chart-plot');
  const options = {
    width: plotWidth(box),
    height: 200,
    legend: { live: false },
    scales: { y: { range: (_u, min, max) => [0, Math.max(1, max * 1.1)] } },
    series: [
      {},
      ...chart.series.map(([name, stroke, dash], i) => ({
        label: series[i]?.label ?? name,
        stroke,
        dash,
        width: 2,
        spanGaps: false,
        points: { show: true, size: dash ? 10 : 7, fill: dash ? '#fff' : stroke },
        value: (_u, v) => (v === null || v === undefined ? '—' : `${v} ${series[i]?.unit ?? ''}`),
      })),
    ],
    axes: [{}, { size: 64 }],
  };
  const data = [[], ...chart.series.map(() => [])];
  return new globalThis.uPlot(options, data, target);
}

function renderChart(view, chart) {
  let box = $(`#chart-${chart.id}`);
  if (!box) {
    box = chartBox(chart);
    $('#charts').append(box);
  }
  const series = chart.series.map(([name]) => view.series.find((s) => s.name === name));
  const known = series.filter(Boolean);
  box.querySelector('.chart-window').textContent = windowText(view, known);
  const points = known.reduce((total, s) => total + s.points, 0);
  box.dataset.points = String(points);
  box.querySelector('.chart-empty').hidden = points > 0;
  box.querySelector('.chart-plot').hidden = points === 0;
  const empty = known.filter((s) => s.points === 0).map((s) => `${s.label}: ${NOT_ENOUGH}`);
  box.querySelector('.chart-notes').textContent = points > 0 ? empty.join('; ') : '';
  if (points === 0 || !globalThis.uPlot) return;
  let plot = plots.get(chart.id);
  if (!plot) {
    plot = makePlot(box, chart, series);
    plots.set(chart.id, plot);
  } else if (box.clientWidth > 0 && Math.abs(plot.width - plotWidth(box)) > 16) {
    plot.setSize({ width: plotWidth(box), height: plot.height });
  }
  plot.setData([view.times, ...series.map((s) => s?.values ?? view.times.map(() => null))]);
}

let lastView = null;

export function renderCharts(view) {
  lastView = view;
  for (const chart of CHARTS) renderChart(view, chart);
}

/** Fits the charts to their boxes again (after the page was shown or resized). */
export function fitCharts() {
  if (lastView) renderCharts(lastView);
}
