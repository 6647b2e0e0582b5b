import request from 'supertest';
import type { SimPanel } from '../src';
import { api, FakeClock, newPanel, serverBody, waitUntil } from './helpers';

async function status(panel: SimPanel, id = 1): Promise<{ status: string | null; installed: number }> {
  const res = await api(panel).get(`/servers/${id}`).expect(200);
  return { status: res.body.attributes.status, installed: res.body.attributes.container.installed };
}

describe('simulated panel: install progression', () => {
  it('reports installing until installMs has passed, then null with installed=1', async () => {
    const clock = new FakeClock();
    const panel = newPanel({ installMs: 2000 }, clock);
    try {
      await api(panel).post('/servers', serverBody()).expect(201);
      clock.advance(1999);
      expect(await status(panel)).toEqual({ status: 'installing', installed: 0 });
      clock.advance(1);
      expect(await status(panel)).toEqual({ status: null, installed: 1 });
      const listed = await api(panel).get('/servers?filter[external_id]=').expect(200);
      expect(listed.body.data[0].attributes.status).toBeNull();
    } finally {
      panel.close();
    }
  });

  it('ends in install_failed (installed=0) when the install fails', async () => {
    const clock = new FakeClock();
    const panel = newPanel({ installMs: 500 }, clock);
    try {
      await request(panel.app).post('/_sim/faults').send({ installFailRate: 1 }).expect(200);
      await api(panel).post('/servers', serverBody()).expect(201);
      clock.advance(500);
      expect(await status(panel)).toEqual({ status: 'install_failed', installed: 0 });
    } finally {
      panel.close();
    }
  });

  it('ends a failed reinstall in reinstall_failed and a good one in null', async () => {
    const clock = new FakeClock();
    const panel = newPanel({ installMs: 100 }, clock);
    try {
      await api(panel).post('/servers', serverBody()).expect(201);
      clock.advance(100);
      await request(panel.app).post('/_sim/faults').send({ installFailRate: 1, installMs: 300 }).expect(200);
      await api(panel).post('/servers/1/reinstall').expect(204);
      clock.advance(299);
      expect((await status(panel)).status).toBe('installing');
      clock.advance(1);
      expect((await status(panel)).status).toBe('reinstall_failed');
      await request(panel.app).post('/_sim/faults').send({}).expect(200);
      await api(panel).post('/servers/1/reinstall').expect(204);
      clock.advance(100);
      expect((await status(panel)).status).toBeNull();
    } finally {
      panel.close();
    }
  });

  it('keeps a server suspended during install suspended when the install ends', async () => {
    const clock = new FakeClock();
    const panel = newPanel({ installMs: 100 }, clock);
    try {
      await api(panel).post('/servers', serverBody()).expect(201);
      await api(panel).post('/servers/1/suspend').expect(204);
      clock.advance(100);
      expect(await status(panel)).toEqual({ status: 'suspended', installed: 1 });
    } finally {
      panel.close();
    }
  });

  it('finishes at once when scripts are skipped', async () => {
    const clock = new FakeClock();
    const panel = newPanel({ installMs: 60_000 }, clock);
    try {
      const created = await api(panel)
        .post('/servers', serverBody({ skip_scripts: true }))
        .expect(201);
      expect(created.body.attributes.status).toBe('installing');
      expect((await status(panel)).status).toBeNull();
    } finally {
      panel.close();
    }
  });

  it('progresses on the real clock by default', async () => {
    const panel = newPanel({ installMs: 100 });
    try {
      const started = Date.now();
      const created = await api(panel).post('/servers', serverBody()).expect(201);
      expect(created.body.attributes.status).toBe('installing');
      await waitUntil(async () => (await status(panel)).status === null);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(panel.state().servers[0].status).toBeNull();
    } finally {
      panel.close();
    }
  });
});
