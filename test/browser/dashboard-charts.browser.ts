import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import type { HistorySeries, QueueHistoryView } from '../../src/api/history-series';
import { QueueHistory } from '../../src/api/queue-history';
import { listenApi } from '../../src/api/server';
import { API_KEY, auth, orderBody, uniqueOrderId, waitFor } from '../api/harness';
import { logIn, useDashboardRig } from './dashboard-rig';

const rig = useDashboardRig();
const SCREENSHOT = path.resolve(__dirname, '..', '..', 'docs', 'screenshots', 'dashboard-charts.png');
const CHARTS = ['orders', 'wait', 'budget', 'attention'];

const history = async (): Promise<QueueHistoryView> =>
  (await rig.h.http().get('/v1/queue/history').set(auth).expect(200)).body as QueueHistoryView;
const named = (view: QueueHistoryView, name: string): HistorySeries => view.series.find((s) => s.name === name)!;
const total = (s: HistorySeries) => s.values.reduce<number>((sum, v) => sum + (v ?? 0), 0);

/** Pixels of the chart's canvas in the series colour (r, g, b): a drawn line or point has many. */
const pixelsOf = (chart: string, [r, g, b]: [number, number, number]) =>
  rig.page.evaluate<number>(`(() => {
    const canvas = document.querySelector('#chart-${chart} canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4)
      if (data[i + 3] > 200 && Math.abs(data[i] - ${r}) + Math.abs(data[i + 1] - ${g}) + Math.abs(data[i + 2] - ${b}) < 30)
        n += 1;
    return n;
  })()`);

describe('dashboard charts in a browser', () => {
  it('draws the last hour from measured data after a burst of orders', async () => {
    const { h, page, cspViolations } = rig;
    await waitFor(history, (v) => named(v, 'accepted').points > 0, 30_000);
    await Promise.all(
      [1, 2, 3, 4, 5, 6].map((userId) =>
        h
          .http()
          .post('/v1/orders')
          .set(auth)
          .send(orderBody({ orderId: uniqueOrderId('charts'), userId }))
          .expect(202),
      ),
    );
    const view = await waitFor(
      history,
      (v) => total(named(v, 'accepted')) >= 6 && named(v, 'waitP50.standard').points > 0,
      30_000,
    );
    expect(named(view, 'accepted').values.some((v) => (v ?? 0) > 0)).toBe(true);

    await page.setViewportSize({ width: 1240, height: 900 });
    await page.goto(h.api.url);
    await logIn(page);
    for (const chart of CHARTS) {
      await page.waitForSelector(`#chart-${chart} .chart-plot canvas`);
      expect(Number(await page.getAttribute(`#chart-${chart}`, 'data-points'))).toBeGreaterThan(0);
      expect(await page.isVisible(`#chart-${chart} .chart-empty`)).toBe(false);
      expect(await page.textContent(`#chart-${chart} .chart-window`)).toContain('Last 60 min');
    }
    expect(await pixelsOf('orders', [47, 111, 219])).toBeGreaterThan(20);
    expect(await pixelsOf('wait', [47, 111, 219])).toBeGreaterThan(0);
    expect(await page.textContent('#chart-wait .chart-notes')).toContain('premium p50: not enough data yet');
    expect(await page.textContent('#queue')).toContain('seconds per order');

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.locator('#charts-section').screenshot({ path: SCREENSHOT });
    expect(fs.statSync(SCREENSHOT).size).toBeLessThan(300 * 1024);
    expect(cspViolations).toEqual([]);
  });

  it('says "not enough data yet" instead of drawing a chart without data', async () => {
    const { h, browser } = rig;
    const app = createApp({
      client: h.client,
      taskQueue: h.taskQueue,
      apiKey: API_KEY,
      logger: pino({ level: 'silent' }),
      queueHistory: new QueueHistory(),
    });
    const api = await listenApi(app, 0, '127.0.0.1');
    try {
      const other = await browser.newPage();
      await other.goto(api.url);
      await logIn(other);
      for (const chart of CHARTS) {
        await other.waitForSelector(`#chart-${chart} .chart-empty:not([hidden])`);
        expect(await other.textContent(`#chart-${chart} .chart-empty`)).toBe('not enough data yet');
        expect(await other.locator(`#chart-${chart} canvas`).count()).toBe(0);
      }
      await other.close();
    } finally {
      await api.close();
    }
  });
});
