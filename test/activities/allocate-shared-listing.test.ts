import pino from 'pino';
import { allocateActivity } from '../../src/activities/allocate';
import type { ActivityDeps } from '../../src/activities/deps';
import { Breakers } from '../../src/flow/breaker';
import { CircuitOpenError } from '../../src/flow/call-gate';
import { ProviderError } from '../../src/provider';

// A node listing that failed (one listing is shared by every order reading nodes at that moment): each order waits
// for the provider when the panel's breaker now refuses calls, and retries on its own backoff otherwise.
const badGateway = () =>
  new ProviderError({ kind: 'unavailable', retryable: true, method: 'GET', path: '/nodes', status: 502, detail: 'x' });

function allocate(breakers: Breakers, failure: Error) {
  const catalogue = { listNodes: () => Promise.reject(failure) } as unknown as ActivityDeps['catalogue'];
  const ledger = {} as ActivityDeps['ledger'];
  const run = allocateActivity({ catalogue, ledger, breakers, logger: pino({ level: 'silent' }) });
  const order = { orderId: 'o-1', locationIds: [1], limits: { memory: 512, disk: 1024 } };
  return run({ order } as never);
}

describe('allocate when the node listing fails', () => {
  it("is the panel breaker's refusal (CircuitOpenError) when the breaker now refuses calls", async () => {
    const breakers = new Breakers({ failureThreshold: 1, openMs: 30_000 });
    breakers.panel.record(false);
    const refused = await allocate(breakers, badGateway()).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({ scope: 'panel', nodeId: null });
    expect((refused as CircuitOpenError).retryAfterMs).toBeGreaterThan(29_000);
  });

  it('is the panel error itself while the breaker is closed, or for a failure that is not retryable', async () => {
    await expect(allocate(new Breakers(), badGateway())).rejects.toBeInstanceOf(ProviderError);
    const open = new Breakers({ failureThreshold: 1 });
    open.panel.record(false);
    const denied = new ProviderError({ kind: 'auth', retryable: false, method: 'GET', path: '/nodes', detail: 'x' });
    await expect(allocate(open, denied)).rejects.toBe(denied);
  });

  it('is the panel error when the breaker would let a probe through now', async () => {
    let now = 0;
    const breakers = new Breakers({ failureThreshold: 1, openMs: 1_000, now: () => now });
    breakers.panel.record(false);
    now = 1_000;
    await expect(allocate(breakers, badGateway())).rejects.toBeInstanceOf(ProviderError);
  });
});
