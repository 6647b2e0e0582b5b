import { createActivities, type ActivityDeps } from '../../src/activities';
import type { PterodactylClient } from '../../src/provider';
import type { BuildLimits, ProvisioningActivities } from '../../src/workflows/activity-contract';
import { ownExternalId } from '../../src/workflows/own-server';
import { placeForeignServer } from './foreign-servers';
import {
  activitiesWithPanel,
  activityDeps,
  callCount,
  type PanelHarness,
  panelError,
  placeOwnServer,
  usePanel,
} from './panel-harness';

// The resize steps on the panel: readBuild, applyBuild (with the catalogue's node adjustment), verifyBuild.

const START: BuildLimits = { memory: 512, swap: 0, disk: 1024, io: 500, cpu: 100 };
const BIGGER: BuildLimits = { memory: 2048, swap: 64, disk: 4096, io: 600, cpu: 200 };

describe('resize activities: readBuild, applyBuild, verifyBuild', () => {
  let panel: PanelHarness;
  let deps: ActivityDeps;
  let activities: ProvisioningActivities;

  usePanel((started) => (panel = started));
  beforeEach(() => {
    deps = activityDeps(panel);
    activities = createActivities(deps);
  });

  const placeOwn = (orderId: string) => placeOwnServer(panel, orderId);
  const patches = async () => callCount(await panel.state(), 'PATCH /servers/{id}/build');
  const withPanel = (override: Partial<PterodactylClient>) => activitiesWithPanel(panel, override);

  it('reads exactly the five limits of the server', async () => {
    const ref = await placeOwn('read-build');
    expect(await activities.readBuild(ref)).toEqual(START);
  });

  it('applies a new build once, keeping allocation, feature limits and threads: a repeat sends nothing', async () => {
    const ref = await placeOwn('apply-build');
    const before = await panel.client().getServer(ref.serverId);
    expect(await activities.applyBuild({ ...ref, limits: BIGGER })).toEqual({ changed: true });
    const after = await panel.client().getServer(ref.serverId);
    expect(after.limits).toMatchObject(BIGGER);
    expect(after.limits.threads).toBe(before.limits.threads);
    expect(after.limits.oom_disabled).toBe(before.limits.oom_disabled);
    expect(after.feature_limits).toEqual(before.feature_limits);
    expect(after.allocation).toBe(before.allocation);
    expect(await activities.applyBuild({ ...ref, limits: BIGGER })).toEqual({ changed: false });
    expect(await patches()).toBe(1);
  });

  it.each(Object.keys(START) as Array<keyof BuildLimits>)('applies a build that differs only in %s', async (key) => {
    const ref = await placeOwn(`apply-only-${key}`);
    const limits = { ...START, [key]: START[key] + 10 };
    expect(await activities.applyBuild({ ...ref, limits })).toEqual({ changed: true });
    expect((await panel.client().getServer(ref.serverId)).limits[key]).toBe(START[key] + 10);
  });

  it("counts the change of memory and disk on the node in the process's catalogue", async () => {
    const adjust = jest.spyOn(deps.catalogue, 'adjustNode');
    const ref = await placeOwn('apply-catalogue');
    const { node } = await panel.client().getServer(ref.serverId);
    await activities.applyBuild({ ...ref, limits: BIGGER });
    expect(adjust).toHaveBeenCalledWith(node, { memory: 2048 - 512, disk: 4096 - 1024 });
  });

  it('fails ServerGone, permanently, when the server disappears before the PATCH', async () => {
    const ref = await placeOwn('apply-gone');
    const gone = withPanel({
      updateBuild: () => Promise.reject(panelError('not_found', 'PATCH', `/servers/${ref.serverId}/build`, 404)),
    });
    await expect(gone.applyBuild({ ...ref, limits: BIGGER })).rejects.toMatchObject({
      type: 'ServerGone',
      nonRetryable: true,
      message: `server ${ref.serverId} no longer exists on the panel`,
    });
  });

  it('fails retryably when the PATCH meets an unavailable panel', async () => {
    const ref = await placeOwn('apply-unavailable');
    const down = withPanel({
      updateBuild: () => Promise.reject(panelError('unavailable', 'PATCH', `/servers/${ref.serverId}/build`, 502)),
    });
    const failure = await down.applyBuild({ ...ref, limits: BIGGER }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: 'PanelUnavailable' });
    expect(failure).not.toMatchObject({ nonRetryable: true });
  });

  it('refuses ForeignServer for a server without the order marker, and changes nothing', async () => {
    const foreignId = await placeForeignServer(panel, 'their-build');
    const ref = { orderId: 'not-theirs', serverId: foreignId, externalId: ownExternalId('not-theirs') };
    await expect(activities.applyBuild({ ...ref, limits: BIGGER })).rejects.toMatchObject({ type: 'ForeignServer' });
    await expect(activities.readBuild(ref)).rejects.toMatchObject({ type: 'ForeignServer' });
    expect(await patches()).toBe(0);
  });

  it('verifies a build that is on the panel, returning it', async () => {
    const ref = await placeOwn('verify-build');
    expect(await activities.verifyBuild({ ...ref, limits: START })).toEqual(START);
  });

  it('fails VerificationFailed, permanently, naming each limit that differs', async () => {
    const ref = await placeOwn('verify-differs');
    const wanted = { ...START, memory: 1024, cpu: 150 };
    await expect(activities.verifyBuild({ ...ref, limits: wanted })).rejects.toMatchObject({
      type: 'VerificationFailed',
      nonRetryable: true,
      message: `server ${ref.serverId} does not have the requested build: memory is 512, expected 1024; cpu is 100, expected 150`,
      details: [{ problems: ['memory is 512, expected 1024', 'cpu is 100, expected 150'] }],
    });
  });
});
