import { serverBody, waitUntil } from './helpers';
import type { ErrorsBody, ItemBody, LivePanel, SimErrorBody } from './live';
import { json, startLive } from './live';

let live: LivePanel;
const call = (method: string, path: string, body?: object, timeoutMs?: number) =>
  live.call(method, path, body, timeoutMs);
const setFaults = (faults: object) => live.setFaults(faults);
const state = () => live.state();

describe('simulated panel: fault injection', () => {
  beforeEach(async () => {
    live = await startLive({ installMs: 1500, seed: 11 });
  });
  afterEach(async () => {
    await live.sim.close();
  });

  it('replaces the whole fault set; {} restores the defaults', async () => {
    const set = await setFaults({ errorRate: 0.25, latencyMs: 5, installMs: 10 });
    expect(await json<object>(set)).toMatchObject({ errorRate: 0.25, latencyMs: 5, installMs: 10, timeoutRate: 0 });
    const replaced = await json<object>(setFaults({ outage: false }));
    expect(replaced).toEqual({
      latencyMs: 0,
      errorRate: 0,
      timeoutRate: 0,
      createTimeoutButSucceedsRate: 0,
      deleteTimeoutButSucceedsRate: 0,
      createDelayMs: 0,
      installMs: 1500,
      installFailRate: 0,
      outage: false,
      rateLimitPerMinute: 100_000,
    });
  });

  it('answers 400 with field details for invalid fault settings', async () => {
    const res = await setFaults({ errorRate: 2, bogus: true });
    expect(res.status).toBe(400);
    const body = await json<SimErrorBody>(res);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['errorRate']));
    expect((await setFaults({ outage: 'yes' })).status).toBe(400);
  });

  it('delays every API answer by latencyMs', async () => {
    await setFaults({ latencyMs: 150 });
    const started = Date.now();
    expect((await call('GET', '/nodes')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('answers 504/500 DaemonConnectionException at errorRate 1 and creates nothing', async () => {
    await setFaults({ errorRate: 1 });
    const res = await call('POST', '/servers', serverBody({ external_id: 'e-1' }));
    expect([500, 504]).toContain(res.status);
    const body = await json<ErrorsBody>(res);
    expect(body.errors[0]).toMatchObject({ code: 'DaemonConnectionException', status: String(res.status) });
    expect((await state()).servers).toEqual([]);
  });

  it("gives daemon errors the panel's shapes: 504 when Wings does not answer, else its status passed through", async () => {
    await setFaults({ errorRate: 1, seed: 3 });
    const seen = new Map<number, string>();
    for (let i = 0; i < 16; i += 1) {
      const res = await call('POST', '/servers', serverBody());
      seen.set(res.status, (await json<ErrorsBody>(res)).errors[0].detail);
    }
    expect([...seen.keys()].sort()).toEqual([500, 504]);
    expect(seen.get(504)).toBe(
      'Could not establish a connection to the machine running this server. Please try again.',
    );
    expect(seen.get(500)).toMatch(
      /^There was an error while communicating .* \(code: 500\) \(request_id: [0-9a-f-]{36}\)$/,
    );
  });

  it('lets a force delete through while errorRate makes a normal delete fail', async () => {
    expect((await call('POST', '/servers', serverBody())).status).toBe(201);
    await setFaults({ errorRate: 1 });
    expect((await call('DELETE', '/servers/1')).status).toBeGreaterThanOrEqual(500);
    expect((await state()).servers).toHaveLength(1);
    expect((await call('DELETE', '/servers/1/force')).status).toBe(204);
    expect((await state()).servers).toHaveLength(0);
  });

  it('never answers at timeoutRate 1 and leaves no side effect', async () => {
    await setFaults({ timeoutRate: 1 });
    await expect(call('POST', '/servers', serverBody({ external_id: 't-1' }), 300)).rejects.toThrow();
    await setFaults({});
    expect((await call('GET', '/servers/external/t-1')).status).toBe(404);
    expect((await state()).calls.byRoute['POST /servers']).toBe(1);
  });

  it('creates the server but never answers at createTimeoutButSucceedsRate 1', async () => {
    await setFaults({ createTimeoutButSucceedsRate: 1 });
    await expect(call('POST', '/servers', serverBody({ external_id: 'c-1' }), 300)).rejects.toThrow();
    const found = await call('GET', '/servers/external/c-1');
    expect(found.status).toBe(200);
    expect((await json<ItemBody>(found)).attributes.status).toBe('installing');
  });

  it('deletes the server but never answers at deleteTimeoutButSucceedsRate 1', async () => {
    const created = await json<ItemBody>(await call('POST', '/servers', serverBody({ external_id: 'd-1' })));
    await setFaults({ deleteTimeoutButSucceedsRate: 1 });
    await expect(call('DELETE', `/servers/${created.attributes.id}`, undefined, 300)).rejects.toThrow();
    expect((await call('GET', '/servers/external/d-1')).status).toBe(404);
  });

  it('creates the server only after createDelayMs, then answers 201', async () => {
    await setFaults({ createDelayMs: 400 });
    const started = Date.now();
    const creating = call('POST', '/servers', serverBody({ external_id: 'slow-1' }));
    await new Promise((r) => setTimeout(r, 150));
    expect((await call('GET', '/servers/external/slow-1')).status).toBe(404);
    expect((await creating).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect((await call('GET', '/servers/external/slow-1')).status).toBe(200);
  });

  it('answers 502 at once during an outage, with or without a key', async () => {
    await setFaults({ outage: true });
    const res = await call('GET', '/servers');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${live.sim.url}/api/application/nodes`)).status).toBe(502);
    await setFaults({});
    expect((await call('GET', '/servers')).status).toBe(200);
  });

  it('ends requests held open when the panel closes', async () => {
    await setFaults({ timeoutRate: 1 });
    const pending = call('GET', '/nodes', undefined, 10_000);
    await waitUntil(() => live.sim.panel.context.calls.snapshot().total === 1);
    await live.sim.close();
    await expect(pending).rejects.toThrow();
  });

  it('repeats the same fault sequence for the same seed', async () => {
    const run = async () => {
      await setFaults({ errorRate: 0.5, seed: 99 });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i += 1) statuses.push((await call('GET', '/nodes')).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(200);
    expect(first.some((s) => s >= 500)).toBe(true);
  });
});
