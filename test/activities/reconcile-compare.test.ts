import { isOwnMarker, orderIdOfMarker, ownExternalId } from '../../src/workflows/own-server';
import { serverDrift, type PanelFacts } from '../../src/workflows/reconcile-contract';

const limits = { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100 };
const facts = (over: Partial<PanelFacts> = {}): PanelFacts => ({
  serverId: 7,
  suspended: false,
  limits: { ...limits, threads: null, oom_disabled: true } as PanelFacts['limits'],
  ...over,
});

describe('reconciliation: comparing the panel with an entity', () => {
  it('finds no drift when the suspension and the known limits agree (threads, oom are not compared)', () => {
    expect(serverDrift({ status: 'ACTIVE', limits }, facts())).toEqual([]);
    expect(serverDrift({ status: 'SUSPENDED', limits }, facts({ suspended: true }))).toEqual([]);
  });

  it('reports a suspension made or lifted on the panel by hand', () => {
    expect(serverDrift({ status: 'ACTIVE', limits }, facts({ suspended: true }))).toEqual([
      { field: 'suspended', entity: false, panel: true },
    ]);
    expect(serverDrift({ status: 'SUSPENDED', limits }, facts())).toEqual([
      { field: 'suspended', entity: true, panel: false },
    ]);
  });

  it('reports limits changed on the panel, and none for an entity that does not know its limits', () => {
    const resized = facts({ limits: { ...limits, memory: 4096 } });
    expect(serverDrift({ status: 'ACTIVE', limits }, resized)).toEqual([
      { field: 'limits', entity: limits, panel: { ...limits, memory: 4096 } },
    ]);
    expect(serverDrift({ status: 'ACTIVE', limits: null }, resized)).toEqual([]);
  });

  it('reads the order id back from our marker only when it is exact (lower-case ids)', () => {
    expect(orderIdOfMarker(ownExternalId('order-42'))).toBe('order-42');
    expect(orderIdOfMarker(ownExternalId('Order-42'))).toBeNull();
    expect(isOwnMarker(ownExternalId('Order-42'))).toBe(true);
    expect(orderIdOfMarker('sq-order-42-0000000000000000')).toBeNull();
    expect(isOwnMarker('order-42')).toBe(false);
    expect(orderIdOfMarker('someone-elses')).toBeNull();
  });
});
