import type { InstallProgress } from '../../src/activities/install';
import { installActivity } from '../../src/activities/install';
import type { InstallWatch, PanelAccess } from '../../src/activities/deps';
import { CircuitOpenError } from '../../src/flow/call-gate';
import type { Sighting } from '../../src/flow/install-watcher';
import type { PterodactylClient, Server } from '../../src/provider';
import { mockActivityEnv, panelError, rejectionOf, runActivity, silentLogger } from './panel-harness';

const SERVER_ID = 41;
const server = (status: string | null): Server => ({ id: SERVER_ID, node: 2, status }) as unknown as Server;

/** A watcher that answers each `next` with the following sighting (a function of the call), then with none. */
function scriptedWatcher(intervalMs: number, script: Array<(call: number) => Sighting | undefined>) {
  const waits: number[] = [];
  const forgotten: string[] = [];
  const watcher: InstallWatch = {
    intervalMs,
    next: async (_externalId, _serverId, maxWaitMs) => {
      waits.push(maxWaitMs);
      const step = script[waits.length - 1];
      if (!step) throw new Error(`no sighting scripted for call ${waits.length}`);
      return step(waits.length);
    },
    forget: (externalId) => void forgotten.push(externalId),
  };
  return { watcher, waits, forgotten };
}

interface PanelScript {
  getServer?: () => Promise<Server>;
  reinstall?: () => Promise<void>;
}

function install(watcher: InstallWatch, script: PanelScript = {}) {
  const reinstalls: number[] = [];
  const client = {
    getServer: script.getServer ?? (async () => server('installing')),
    reinstall: async (id: number) => {
      reinstalls.push(id);
      await script.reinstall?.();
    },
  } as unknown as PterodactylClient;
  const panel: Pick<PanelAccess, 'panel' | 'panelForNode'> = { panel: client, panelForNode: () => client };
  const fn = installActivity({ ...panel, watcher, draining: new Promise(() => undefined), logger: silentLogger });
  return { fn, reinstalls };
}

const input = (deadlineMs = 60_000) => ({ orderId: 'steps', serverId: SERVER_ID, deadlineMs });

describe('install activity: each step of the wait', () => {
  afterEach(() => jest.restoreAllMocks());

  it("waits for news twice the watcher's interval, and never less than five seconds", async () => {
    const slow = scriptedWatcher(4_000, [() => undefined, () => ({ server: server(null), at: Date.now() })]);
    await runActivity(install(slow.watcher).fn, input());
    expect(slow.waits).toEqual([8_000, 8_000]);
    const fast = scriptedWatcher(25, [() => ({ server: server(null), at: Date.now() })]);
    await runActivity(install(fast.watcher).fn, input());
    expect(fast.waits).toEqual([5_000]);
  });

  it('stops watching the server whether the wait succeeds or fails', async () => {
    const done = scriptedWatcher(25, [() => ({ server: server(null), at: Date.now() })]);
    await runActivity(install(done.watcher).fn, { ...input(), externalId: 'sq-steps' });
    expect(done.forgotten).toEqual(['sq-steps']);
    const failed = scriptedWatcher(25, [() => ({ server: server('suspended'), at: Date.now() })]);
    await expect(runActivity(install(failed.watcher).fn, input())).rejects.toMatchObject({
      type: 'ServerStateUnexpected',
    });
    expect(failed.forgotten).toEqual(['steps']);
  });

  it('fails with ServerStateUnexpected, for good, when the server is neither installing nor installed', async () => {
    const { watcher } = scriptedWatcher(25, [() => ({ server: server('suspended'), at: Date.now() })]);
    const err = await rejectionOf(runActivity(install(watcher).fn, input()));
    expect(err).toMatchObject({ type: 'ServerStateUnexpected', nonRetryable: true });
    expect(err.message).toBe(`server ${SERVER_ID} is suspended instead of installing`);
  });

  it("keeps waiting while the panel's breaker refuses the read of a server the listing missed", async () => {
    const { watcher } = scriptedWatcher(25, [
      () => ({ server: null, at: Date.now() }),
      () => ({ server: server(null), at: Date.now() }),
    ]);
    const getServer = jest.fn(async (): Promise<Server> => {
      throw new CircuitOpenError('panel', null, 1_000);
    });
    const result = await runActivity(install(watcher, { getServer }).fn, input());
    expect(getServer).toHaveBeenCalledTimes(1);
    expect(result).toMatchObject({ reinstalled: false, server: { status: null } });
  });

  it("reinstalls only once the panel's breaker lets the request through", async () => {
    const { watcher } = scriptedWatcher(25, [
      () => ({ server: server('install_failed'), at: Date.now() }),
      () => ({ server: server('install_failed'), at: Date.now() }),
      () => ({ server: server(null), at: Date.now() + 1 }),
    ]);
    let refusals = 1;
    const reinstall = async () => {
      if (refusals-- > 0) throw new CircuitOpenError('panel', null, 1_000);
    };
    const env = mockActivityEnv();
    const beats: InstallProgress[] = [];
    env.on('heartbeat', (d: InstallProgress) => beats.push(d));
    const { fn, reinstalls } = install(watcher, { reinstall });
    expect(await runActivity(fn, input(), env)).toMatchObject({ reinstalled: true });
    expect(reinstalls).toEqual([SERVER_ID, SERVER_ID]);
    expect(beats.map((b) => b.reinstalled)).toEqual([false, false, true, true]);
    expect(beats.every((b) => typeof b.since === 'number')).toBe(true);
  });

  it('fails the attempt when the panel refuses the reinstall for any other reason', async () => {
    const { watcher } = scriptedWatcher(25, [() => ({ server: server('install_failed'), at: Date.now() })]);
    const refused = panelError('unavailable', 'POST', `/servers/${SERVER_ID}/reinstall`, 502);
    const reinstall = async () => {
      throw refused;
    };
    await expect(runActivity(install(watcher, { reinstall }).fn, input())).rejects.toBe(refused);
  });

  it('ignores a sighting taken before the reinstall, and takes one from the same moment', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const { watcher } = scriptedWatcher(25, [
      () => ({ server: server('install_failed'), at: 999_000 }),
      () => ({ server: server('install_failed'), at: 999_000 }),
      () => ({ server: server(null), at: 1_000_000 }),
    ]);
    const { fn, reinstalls } = install(watcher);
    expect(await runActivity(fn, input())).toMatchObject({ reinstalled: true, waitedMs: 0 });
    expect(reinstalls).toHaveLength(1);
    now.mockRestore();
  });

  it('resumes the status and the start from the heartbeat details, and reports the whole wait', async () => {
    const { watcher } = scriptedWatcher(25, [() => ({ server: server(null), at: Date.now() })]);
    const since = Date.now() - 5_000;
    const env = mockActivityEnv({ heartbeatDetails: { since, reinstalled: false, lastStatus: 'installing' } });
    const beats: InstallProgress[] = [];
    env.on('heartbeat', (d: InstallProgress) => beats.push(d));
    const result = await runActivity(install(watcher).fn, input(), env);
    expect(beats[0]).toEqual({ since, reinstalled: false, lastStatus: 'installing' });
    expect(result.waitedMs).toBeGreaterThanOrEqual(5_000);
    expect(result.waitedMs).toBeLessThan(10_000);
  });

  it('counts the deadline as passed only once it is exceeded', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(2_000_000);
    const heartbeatDetails: InstallProgress = { since: 2_000_000 - 5_000, reinstalled: false, lastStatus: null };
    const onTime = scriptedWatcher(25, [
      () => ({ server: server('installing'), at: 2_000_000 }),
      () => ({ server: server(null), at: 2_000_000 }),
    ]);
    const env = mockActivityEnv({ heartbeatDetails });
    expect(await runActivity(install(onTime.watcher).fn, input(5_000), env)).toMatchObject({ waitedMs: 5_000 });

    const late = scriptedWatcher(25, [() => ({ server: server('installing'), at: 2_000_000 })]);
    const err = await rejectionOf(
      runActivity(install(late.watcher).fn, input(4_999), mockActivityEnv({ heartbeatDetails })),
    );
    expect(err).toMatchObject({ type: 'InstallDeadlineExceeded' });
    expect(err.message).toBe(`server ${SERVER_ID} still installing after 4999 ms`);
  });

  it('names the server and its status when the reinstall failed too', async () => {
    const { watcher } = scriptedWatcher(25, [() => ({ server: server('reinstall_failed'), at: Date.now() })]);
    const env = mockActivityEnv({ heartbeatDetails: { since: Date.now(), reinstalled: true, lastStatus: null } });
    const err = await rejectionOf(runActivity(install(watcher).fn, input(), env));
    expect(err).toMatchObject({ type: 'InstallFailed', nonRetryable: true });
    expect(err.message).toBe(`server ${SERVER_ID} failed to install twice (reinstall_failed)`);
  });
});
