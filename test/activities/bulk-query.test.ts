import { bulkQuery } from '../../src/activities/bulk';

const ENTITIES = "WorkflowType = 'serverLifecycle' AND ExecutionStatus = 'Running'";
const ORDERS = "WorkflowType = 'provisionServer' AND ExecutionStatus = 'Running'";
const WAITING = "OrderStatus IN ('QUEUED', 'WAITING_FOR_CAPACITY', 'WAITING_FOR_PROVIDER')";

describe("a bulk action's visibility query", () => {
  it.each(['suspend', 'unsuspend', 'delete'] as const)('%s lists the running server entities', (action) => {
    expect(bulkQuery(action, {})).toBe(ENTITIES);
  });

  it('retry lists the running orders parked for a human', () => {
    expect(bulkQuery('retry', {})).toBe(`${ORDERS} AND OrderStatus = 'NEEDS_ATTENTION'`);
  });

  it('cancel lists the running orders that still wait', () => {
    expect(bulkQuery('cancel', {})).toBe(`${ORDERS} AND ${WAITING}`);
  });

  it('a server action takes every filter: user, tier, node and server status', () => {
    expect(bulkQuery('suspend', { userId: 7, tier: 'free', node: 3, status: 'SUSPENDED' })).toBe(
      `${ENTITIES} AND UserId = 7 AND Tier = 'free' AND NodeId = 3 AND ServerStatus = 'SUSPENDED'`,
    );
  });

  it('an order action takes user and tier and leaves out the server-only filters', () => {
    expect(bulkQuery('retry', { userId: 2, tier: 'premium', node: 1, status: 'ACTIVE' })).toBe(
      `${ORDERS} AND OrderStatus = 'NEEDS_ATTENTION' AND UserId = 2 AND Tier = 'premium'`,
    );
    expect(bulkQuery('cancel', { node: 1, status: 'ACTIVE' })).toBe(`${ORDERS} AND ${WAITING}`);
  });

  it('user id 0 is a filter, not an absent one', () => {
    expect(bulkQuery('delete', { userId: 0, node: 0 })).toBe(`${ENTITIES} AND UserId = 0 AND NodeId = 0`);
  });
});
