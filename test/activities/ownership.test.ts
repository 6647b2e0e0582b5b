import { claimMismatches, foreignServer } from '../../src/activities/ownership';
import type { Server } from '../../src/provider';
import type { ServerClaim } from '../../src/workflows/own-server';

const claim: ServerClaim = { externalId: 'sq-1001-0123456789abcdef', userId: 1, name: 'Survival', allocationId: 7 };
const server = { id: 5, external_id: claim.externalId, user: 1, name: 'Survival', allocation: 7 } as Server;

describe("claimMismatches: every way a server is not the order's", () => {
  it("finds none for the order's own server", () => {
    expect(claimMismatches(server, claim)).toEqual([]);
  });

  it.each([
    [{ user: 2 }, 'owner is user 2, not 1'],
    [{ name: 'Creative' }, 'name is "Creative", not "Survival"'],
    [{ allocation: 8 }, 'allocation is 8, not 7'],
    [
      { external_id: 'SQ-1001-0123456789ABCDEF' },
      `external_id is "SQ-1001-0123456789ABCDEF", not "${claim.externalId}"`,
    ],
  ])('names the one difference %j', (difference, problem) => {
    expect(claimMismatches({ ...server, ...difference } as Server, claim)).toEqual([problem]);
  });

  it('checks the name and allocation only when the claim has them', () => {
    const loose = { externalId: claim.externalId, userId: 1 };
    expect(claimMismatches({ ...server, name: 'Other', allocation: 9 } as Server, loose)).toEqual([]);
  });
});

describe('foreignServer', () => {
  it('is a permanent ForeignServer failure naming the server, the order and every problem', () => {
    const failure = foreignServer('1001', server, ['owner is user 2, not 1', 'allocation is 8, not 7']);
    expect(failure).toMatchObject({
      type: 'ForeignServer',
      nonRetryable: true,
      message:
        'server 5 holds the external_id of order 1001 but is not its server (owner is user 2, not 1; allocation is 8, not 7); it is left untouched',
      details: [{ serverId: 5, problems: ['owner is user 2, not 1', 'allocation is 8, not 7'] }],
    });
  });
});
