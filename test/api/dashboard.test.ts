import { DASHBOARD_CSP } from '../../src/api/routes/dashboard';
import { auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true });
});

afterAll(async () => {
  await h?.stop();
});

describe('dashboard', () => {
  it('GET / serves the page without an API key, with a strict Content-Security-Policy', async () => {
    const res = await h.http().get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).toContain('<script type="module" src="/dashboard/app.js"></script>');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\son[a-z]+=/i);
  });

  it("serves uPlot's browser build and stylesheet from its npm package, and nothing else of it", async () => {
    const js = await h.http().get('/dashboard/vendor/uPlot.iife.min.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(js.text).toContain('uPlot');
    const css = await h.http().get('/dashboard/vendor/uPlot.min.css');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect((await h.http().get('/dashboard/vendor/uPlot.esm.js')).status).toBe(404);
    expect((await h.http().get('/dashboard/vendor/..%2fpackage.json')).status).toBe(404);
    const page = await h.http().get('/');
    expect(page.text).toContain('<script src="/dashboard/vendor/uPlot.iife.min.js"></script>');
  });

  it('serves its assets under /dashboard with the same policy, and nothing outside the folder', async () => {
    const js = await h.http().get('/dashboard/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect((await h.http().get('/dashboard/style.css')).headers['content-type']).toMatch(/^text\/css/);
    expect((await h.http().get('/dashboard/..%2f..%2fapp.ts')).status).not.toBe(200);
    expect((await h.http().get('/dashboard/missing.js')).status).toBe(404);
    const meta = await h.http().get('/dashboard/meta.json');
    expect(meta.body).toMatchObject({
      statuses: expect.arrayContaining(['QUEUED', 'ACTIVE']),
      tiers: ['premium', 'standard', 'free'],
    });
  });

  it('leaves the API behind the key', async () => {
    expect((await h.http().get('/v1/orders')).status).toBe(401);
    expect((await h.http().get('/v1/orders/x/history')).status).toBe(401);
  });
});

describe('GET /v1/orders/:id/history', () => {
  it('summarises the activities of a finished order from its workflow history', async () => {
    const orderId = uniqueOrderId('history');
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    const done = await waitFor(
      () => h.http().get(`/v1/orders/${orderId}`).set(auth),
      (r) => r.body.status === 'ACTIVE',
    );
    expect(done.body.status).toBe('ACTIVE');
    const res = await waitFor(
      () => h.http().get(`/v1/orders/${orderId}/history`).set(auth),
      (r) => r.body.workflow?.outcome === 'COMPLETED',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderId,
      truncated: false,
      workflowTaskFailures: [],
      workflow: { outcome: 'COMPLETED', failure: null },
    });
    expect(res.body.eventCount).toBeGreaterThan(res.body.activities.length);
    expect(res.body.activities.length).toBeGreaterThan(0);
    for (const activity of res.body.activities) {
      expect(activity).toMatchObject({
        status: 'COMPLETED',
        attempt: expect.any(Number),
        activityType: expect.any(String),
      });
      expect(Date.parse(activity.closedAt)).toBeGreaterThanOrEqual(Date.parse(activity.scheduledAt));
    }
    expect(res.body.activities.map((a: { activityType: string }) => a.activityType)).toEqual(
      expect.arrayContaining(['allocate', 'create', 'install', 'configure', 'verify']),
    );
  });

  it('answers 404 for an order that does not exist', async () => {
    const res = await h.http().get('/v1/orders/no-such-order/history').set(auth);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'order_not_found' });
  });
});
