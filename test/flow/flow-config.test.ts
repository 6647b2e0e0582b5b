import { ConfigError, loadConfig } from '../../src/config';
import { DEFAULT_FLOW_POLICY } from '../../src/workflows/flow-contract';

describe('flow-control configuration', () => {
  it('defaults to 240 requests a minute with a 10 % reserve and the default tier policy', () => {
    expect(loadConfig({}).flow).toEqual({
      rateLimitPerMinute: 240,
      rateReserve: 0.1,
      installCheckMs: 5000,
      policy: DEFAULT_FLOW_POLICY,
    });
  });

  it('reads the rate, the reserve as a percentage and tier waits as durations', () => {
    const { flow } = loadConfig({
      PROVIDER_RATE_LIMIT: '256',
      PROVIDER_RATE_RESERVE: '20%',
      QUEUE_MAX_WAIT_FREE: '10m',
      CAPACITY_WAIT_PREMIUM: '1h',
      QUEUE_MAX_WAIT_PREMIUM: '1500',
      INSTALL_CHECK_INTERVAL: '2s',
    });
    expect(flow).toMatchObject({ rateLimitPerMinute: 256, rateReserve: 0.2, installCheckMs: 2000 });
    expect(flow.policy.free.maxQueueWaitMs).toBe(600_000);
    expect(flow.policy.premium).toEqual({ maxQueueWaitMs: 1500, capacityWaitMs: 3_600_000 });
    expect(flow.policy.standard).toEqual(DEFAULT_FLOW_POLICY.standard);
  });

  it('names each bad variable and the reason, never the value', () => {
    let error: unknown;
    try {
      loadConfig({ PROVIDER_RATE_RESERVE: '95%', QUEUE_MAX_WAIT_STANDARD: 'soon', PROVIDER_RATE_LIMIT: 'many' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => i.variable).sort()).toEqual([
      'PROVIDER_RATE_LIMIT',
      'PROVIDER_RATE_RESERVE',
      'QUEUE_MAX_WAIT_STANDARD',
    ]);
    expect(JSON.stringify(issues)).not.toMatch(/soon|many|95/);
  });
});
