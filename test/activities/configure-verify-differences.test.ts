import { createActivities } from '../../src/activities';
import { mismatches } from '../../src/activities/verify';
import type { PterodactylClient, Server, UpdateStartupBody } from '../../src/provider';
import type { ProvisioningActivities } from '../../src/workflows/activity-contract';
import type { Order, ProvisionedServer } from '../../src/workflows/contract';
import { ownExternalId } from '../../src/workflows/own-server';
import {
  activitiesWithPanel,
  activityDeps,
  type PanelHarness,
  panelError,
  paperOrder,
  runActivity,
  usePanel,
} from './panel-harness';

// Each single difference configure repairs and verify names (the mutation run found them pinned only together).

describe('configure and verify: one difference at a time', () => {
  let panel: PanelHarness;
  let activities: ProvisioningActivities;
  let order: Order;
  let provisioned: ProvisionedServer;
  let server: Server;
  let n = 0;

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    activities = createActivities(activityDeps(panel));
    order = paperOrder(`differences-${++n}`);
    const slot = await activities.allocate({ order, excludeAllocationIds: [] });
    provisioned = (await activities.create({ order, slot, externalId: ownExternalId(order.orderId) })).server;
    await runActivity(activities.install, { orderId: order.orderId, serverId: provisioned.id, deadlineMs: 60_000 });
    server = await panel.client().getServer(provisioned.id);
  });

  const withPanel = (override: Partial<PterodactylClient>) => activitiesWithPanel(panel, override);
  const configureSeeing = (observed: Server, acts = activities) =>
    runActivity(acts.configure, { order, serverId: server.id, observed });
  const externalId = () => ownExternalId(order.orderId);

  it('finds no difference on the server as ordered', () => {
    expect(mismatches(server, order, provisioned, externalId())).toEqual([]);
  });

  it.each<[string, (s: Server) => Server, string]>([
    ['another external_id', (s) => ({ ...s, external_id: 'someone-else' }), 'external_id is someone-else'],
    ['no external_id', (s) => ({ ...s, external_id: null }), 'external_id is null'],
    [
      'an installation not finished',
      (s) => ({ ...s, container: { ...s.container, installed: false } }),
      'not installed (status null)',
    ],
    ['an installation running', (s) => ({ ...s, status: 'installing' }), 'not installed (status installing)'],
    ['a suspension', (s) => ({ ...s, suspended: true }), 'suspended'],
    [
      'other limits',
      (s) => ({ ...s, limits: { ...s.limits, cpu: 1 } }),
      'limits or feature limits differ from the order',
    ],
    [
      'other feature limits',
      (s) => ({ ...s, feature_limits: { ...s.feature_limits, backups: 0 } }),
      'limits or feature limits differ from the order',
    ],
    ['another egg', (s) => ({ ...s, egg: 9 }), 'egg is 9, ordered 1'],
    ['another owner', (s) => ({ ...s, user: 3 }), 'owner is user 3, ordered 2'],
  ])('names %s, and nothing else', (_, change, problem) => {
    expect(mismatches(change(server), order, provisioned, externalId())).toEqual([problem]);
  });

  it('names another allocation, and nothing else', () => {
    const elsewhere = { ...provisioned, allocation: { ...provisioned.allocation, id: server.allocation + 1 } };
    expect(mismatches(server, order, elsewhere, externalId())).toEqual([
      `allocation is ${server.allocation}, expected ${server.allocation + 1}`,
    ]);
  });

  it('compares with the bare order id for orders from before the own-server marker', () => {
    expect(mismatches({ ...server, external_id: order.orderId }, order, provisioned)).toEqual([]);
  });

  it('fails verify with a message and details listing the problems', async () => {
    const seen = withPanel({ getServer: async () => ({ ...server, suspended: true, egg: 9 }) });
    await expect(
      runActivity(seen.verify, { order, server: provisioned, externalId: externalId() }),
    ).rejects.toMatchObject({
      type: 'VerificationFailed',
      nonRetryable: true,
      message: `server ${server.id} does not match the order: suspended; egg is 9, ordered 1`,
      details: [{ problems: ['suspended', 'egg is 9, ordered 1'] }],
    });
  });

  it('fails verify retryably, not ServerGone, when reading the server meets an unavailable panel', async () => {
    const down = withPanel({ getServer: () => Promise.reject(panelError('unavailable', 'GET', '/servers/1', 502)) });
    const failure = await runActivity(down.verify, { order, server: provisioned, externalId: externalId() }).catch(
      (err: unknown) => err,
    );
    expect(failure).toMatchObject({ type: 'PanelUnavailable' });
    expect(failure).not.toMatchObject({ nonRetryable: true });
  });

  it('fails verify ServerGone, permanently, naming the server, when reading it answers 404', async () => {
    const gone = withPanel({ getServer: () => Promise.reject(panelError('not_found', 'GET', '/servers/1', 404)) });
    await expect(
      runActivity(gone.verify, { order, server: provisioned, externalId: externalId() }),
    ).rejects.toMatchObject({
      type: 'ServerGone',
      nonRetryable: true,
      message: `server ${provisioned.id} no longer exists on the panel`,
    });
  });

  it.each<[string, (s: Server) => Server]>([
    ['the egg', (s) => ({ ...s, egg: 9 })],
    ['the image', (s) => ({ ...s, container: { ...s.container, image: 'ghcr.io/other:1' } })],
    ['the startup command', (s) => ({ ...s, container: { ...s.container, startup_command: 'java -jar x.jar' } })],
    ['a variable', (s) => ({ ...s, container: { ...s.container, environment: { SERVER_JARFILE: 'x.jar' } } })],
  ])('sends the startup, with its install scripts, when only %s differs', async (_, change) => {
    const sent: UpdateStartupBody[] = [];
    const real = panel.client();
    const watched = withPanel({
      updateStartup: (id, body) => {
        sent.push(body);
        return real.updateStartup(id, body);
      },
    });
    expect(await configureSeeing(change(server), watched)).toEqual({ updated: ['startup'] });
    expect(sent).toEqual([expect.objectContaining({ egg: 1, skip_scripts: false })]);
  });

  it('sends the build when only one feature limit differs', async () => {
    const observed = { ...server, feature_limits: { ...server.feature_limits, backups: 0 } };
    expect(await configureSeeing(observed)).toEqual({ updated: ['build'] });
  });

  it('fails configure ServerGone, permanently, naming the server, when its PATCH answers 404', async () => {
    const gone = withPanel({
      updateBuild: () => Promise.reject(panelError('not_found', 'PATCH', `/servers/${server.id}/build`, 404)),
    });
    await expect(configureSeeing({ ...server, limits: { ...server.limits, cpu: 1 } }, gone)).rejects.toMatchObject({
      type: 'ServerGone',
      nonRetryable: true,
      message: `server ${server.id} no longer exists on the panel`,
    });
  });

  it('fails configure retryably when its PATCH meets an unavailable panel', async () => {
    const down = withPanel({
      updateStartup: () => Promise.reject(panelError('unavailable', 'PATCH', `/servers/${server.id}/startup`, 502)),
    });
    const failure = await configureSeeing({ ...server, egg: 9 }, down).catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: 'PanelUnavailable' });
    expect(failure).not.toMatchObject({ nonRetryable: true });
  });
});
