import { strayAction } from '../../src/activities/reconcile-strays';
import { ownExternalId } from '../../src/workflows/own-server';
import { ReconcileWorld, panelServer } from './reconcile-world';

// A marker server the sweep found unheld (strayAction), judged over a stand-in Temporal and panel.
let world: ReconcileWorld;

beforeEach(() => {
  world = new ReconcileWorld();
});

describe('a stray, judged alone', () => {
  const judge = (server: ReturnType<typeof panelServer>) =>
    strayAction({ ...world.deps(), taskQueue: 'orders' }, server, 'report');

  it('reads nothing running for a marker whose order id cannot be read back, and reports it without one', async () => {
    const unreadable = ownExternalId('Mixed-Case-1');
    expect(await judge(panelServer(5, '', { external_id: unreadable }))).toEqual(
      expect.objectContaining({ serverId: 5, externalId: unreadable, orderId: null, action: 'reported' }),
    );
    expect(world.described).toEqual([]);
  });

  it('reports a server without an external_id with an empty one', async () => {
    expect(await judge(panelServer(6, '', { external_id: null }))).toEqual(
      expect.objectContaining({ serverId: 6, externalId: '', orderId: null }),
    );
  });
});
