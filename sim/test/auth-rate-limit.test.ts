import request from 'supertest';
import type { SimPanel } from '../src';
import { api, BASE, FakeClock, newPanel } from './helpers';

describe('simulated panel: authentication', () => {
  let panel: SimPanel;
  beforeEach(() => {
    panel = newPanel();
  });
  afterEach(() => panel.close());

  it('answers 401 AuthenticationException without an Authorization header', async () => {
    const res = await request(panel.app).get(`${BASE}/servers`).expect(401);
    expect(res.body).toEqual({
      errors: [{ code: 'AuthenticationException', status: '401', detail: 'Unauthenticated.' }],
    });
  });

  it('answers 401 for a wrong key and for a non-bearer scheme', async () => {
    await request(panel.app).get(`${BASE}/servers`).set('Authorization', 'Bearer ptla_wrong').expect(401);
    await request(panel.app).get(`${BASE}/servers`).set('Authorization', 'Basic abc').expect(401);
  });

  it('answers 200 with the configured key', async () => {
    await api(panel).get('/servers').expect(200);
  });
});

describe('simulated panel: rate limit', () => {
  it('sends X-RateLimit headers on every authenticated response, including errors', async () => {
    const panel = newPanel({ rateLimitPerMinute: 240 });
    try {
      const ok = await api(panel).get('/nodes').expect(200);
      expect(ok.headers['x-ratelimit-limit']).toBe('240');
      expect(ok.headers['x-ratelimit-remaining']).toBe('239');
      const missing = await api(panel).get('/servers/999').expect(404);
      expect(missing.headers['x-ratelimit-remaining']).toBe('238');
    } finally {
      panel.close();
    }
  });

  it('answers 429 ThrottleRequestsException with Retry-After once the window is used up', async () => {
    const clock = new FakeClock();
    const panel = newPanel({ rateLimitPerMinute: 3 }, clock);
    try {
      for (let i = 0; i < 3; i += 1) await api(panel).get('/nodes').expect(200);
      clock.advance(20_000);
      const limited = await api(panel).get('/nodes').expect(429);
      expect(limited.body).toEqual({
        errors: [{ code: 'ThrottleRequestsException', status: '429', detail: 'Too Many Attempts.' }],
      });
      expect(limited.headers['retry-after']).toBe('40');
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      expect(Number(limited.headers['x-ratelimit-reset'])).toBe(Math.floor(clock.ms / 1000) + 40);
      expect(panel.state().calls.rateLimited).toBe(1);
    } finally {
      panel.close();
    }
  });

  it('opens a fresh window 60 s after the first hit; rejected attempts do not extend it', async () => {
    const clock = new FakeClock();
    const panel = newPanel({ rateLimitPerMinute: 2 }, clock);
    try {
      await api(panel).get('/nodes').expect(200);
      await api(panel).get('/nodes').expect(200);
      clock.advance(59_000);
      await api(panel).get('/nodes').expect(429);
      clock.advance(1_000);
      const fresh = await api(panel).get('/nodes').expect(200);
      expect(fresh.headers['x-ratelimit-remaining']).toBe('1');
    } finally {
      panel.close();
    }
  });

  it('takes the limit from the faults endpoint and restarts the window', async () => {
    const panel = newPanel({ rateLimitPerMinute: 100 });
    try {
      await api(panel).get('/nodes').expect(200);
      await request(panel.app).post('/_sim/faults').send({ rateLimitPerMinute: 1 }).expect(200);
      const first = await api(panel).get('/nodes').expect(200);
      expect(first.headers['x-ratelimit-limit']).toBe('1');
      await api(panel).get('/nodes').expect(429);
    } finally {
      panel.close();
    }
  });
});
