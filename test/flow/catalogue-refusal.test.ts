import { Breakers } from '../../src/flow/breaker';
import { CircuitOpenError } from '../../src/flow/call-gate';
import { Catalogue } from '../../src/flow/catalogue';
import { ProviderError, type PterodactylClient } from '../../src/provider';

// The catalogue shares one read among every reader of the moment, so one failed read (the breaker's half-open probe,
// say) reaches them all: each reader waits for the provider when the panel's breaker now refuses calls, and retries
// on its own backoff otherwise.
const badGateway = (path: string) =>
  new ProviderError({ kind: 'unavailable', retryable: true, method: 'GET', path, status: 502, detail: 'x' });

function failingPanel(failure: (path: string) => Error) {
  const calls: string[] = [];
  const fail = (path: string) => {
    calls.push(path);
    return Promise.reject(failure(path));
  };
  const provider = {
    listNodes: () => fail('/nodes'),
    listNests: () => fail('/nests'),
    listAllocations: (nodeId: number) => fail(`/nodes/${nodeId}/allocations`),
  } as unknown as PterodactylClient;
  return { provider, calls };
}

const openBreakers = (openMs = 30_000, now?: () => number) => {
  const breakers = new Breakers({ failureThreshold: 1, openMs, now });
  breakers.panel.record(false);
  return breakers;
};

const catalogueOf = (provider: PterodactylClient, breakers: Breakers) =>
  new Catalogue(provider, { panelRefusingForMs: () => breakers.panel.refusingForMs() });

describe('a catalogue read that failed', () => {
  it("is the panel breaker's refusal for every reader sharing it, when the breaker now refuses calls", async () => {
    const { provider, calls } = failingPanel(badGateway);
    const catalogue = catalogueOf(provider, openBreakers());
    const readers = await Promise.all(
      [1, 2, 3].map(() =>
        catalogue.listNodes().then(
          () => undefined,
          (err: unknown) => err,
        ),
      ),
    );
    expect(calls).toEqual(['/nodes']);
    for (const refused of readers) {
      expect(refused).toBeInstanceOf(CircuitOpenError);
      expect(refused).toMatchObject({ scope: 'panel', nodeId: null });
      expect((refused as CircuitOpenError).retryAfterMs).toBeGreaterThan(29_000);
    }
  });

  it("is the breaker's refusal for the eggs and a node's free allocations too", async () => {
    const { provider, calls } = failingPanel(badGateway);
    const catalogue = catalogueOf(provider, openBreakers());
    await expect(catalogue.findEgg(5)).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(catalogue.refreshEggs()).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(catalogue.freeAllocations(7)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls).toEqual(['/nests', '/nests', '/nodes/7/allocations']);
  });

  it('is the panel error itself while the breaker is closed', async () => {
    const { provider } = failingPanel(badGateway);
    const catalogue = catalogueOf(provider, new Breakers());
    await expect(catalogue.listNodes()).rejects.toBeInstanceOf(ProviderError);
    await expect(catalogue.freeAllocations(7)).rejects.toBeInstanceOf(ProviderError);
  });

  it('is the panel error itself for a failure that is not retryable', async () => {
    const denied = new ProviderError({ kind: 'auth', retryable: false, method: 'GET', path: '/nodes', detail: 'x' });
    const { provider } = failingPanel(() => denied);
    await expect(catalogueOf(provider, openBreakers()).listNodes()).rejects.toBe(denied);
  });

  it('is the panel error itself when the breaker would let a probe through now', async () => {
    let now = 0;
    const breakers = openBreakers(1_000, () => now);
    now = 1_000;
    const { provider } = failingPanel(badGateway);
    await expect(catalogueOf(provider, breakers).listNodes()).rejects.toBeInstanceOf(ProviderError);
  });

  it('is the panel error itself for a catalogue built without a breaker', async () => {
    const { provider } = failingPanel(badGateway);
    await expect(new Catalogue(provider).listNodes()).rejects.toBeInstanceOf(ProviderError);
  });

  it('is not kept: the next read asks the panel again', async () => {
    const { provider, calls } = failingPanel(badGateway);
    const catalogue = catalogueOf(provider, openBreakers());
    await catalogue.listNodes().catch(() => undefined);
    await catalogue.listNodes().catch(() => undefined);
    expect(calls).toEqual(['/nodes', '/nodes']);
  });
});
