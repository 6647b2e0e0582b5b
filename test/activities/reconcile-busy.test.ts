import { busy } from '../../src/activities/reconcile-entities';
import type { ServerEntityState } from '../../src/workflows/server-entity-contract';

const withOperations = (...statuses: string[]) =>
  ({ operations: statuses.map((status) => ({ status })) }) as unknown as ServerEntityState;

describe('reconciliation: an entity the sweep leaves for next time', () => {
  it('is busy while an operation waits or runs', () => {
    expect(busy(withOperations('COMPLETED', 'PENDING'))).toBe(true);
    expect(busy(withOperations('RUNNING'))).toBe(true);
  });

  it('is not busy with no operation, or only finished ones', () => {
    expect(busy(withOperations())).toBe(false);
    expect(busy(withOperations('COMPLETED', 'FAILED', 'CANCELLED'))).toBe(false);
  });
});
