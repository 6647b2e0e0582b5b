import path from 'node:path';
import { loadConfig } from '../../src/config';
import { configError } from '../config-error';
import { DEFAULT_TASK_QUEUE } from '../../src/workflows/contract';

describe('loadConfig', () => {
  it('uses the documented defaults and generates a development API key', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 8080,
      host: '127.0.0.1',
      apiKeyGenerated: true,
      taskQueue: DEFAULT_TASK_QUEUE,
      temporalPort: 7233,
      simPort: 8081,
      maxBodyBytes: 65536,
      registerSearchAttributes: true,
      dataDir: path.resolve('./data'),
      pterodactyl: { url: undefined, apiKey: undefined },
      temporal: { address: undefined, namespace: 'default' },
    });
    expect(config.apiKey).toMatch(/^dev-[A-Za-z0-9_-]{32}$/);
    expect(loadConfig({}).apiKey).not.toBe(config.apiKey);
  });

  it("reads the service variables and Temporal's standard ones", () => {
    const config = loadConfig({
      PORT: '9000',
      API_KEY: 'a-very-long-api-key',
      TEMPORAL_TASK_QUEUE: 'orders',
      PTERODACTYL_URL: 'https://panel.example.com',
      PTERODACTYL_API_KEY: 'ptla_x',
      DATA_DIR: '/tmp/sq',
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'cloud-key',
      TEMPORAL_REGISTER_SEARCH_ATTRIBUTES: 'false',
    });
    expect(config).toMatchObject({
      port: 9000,
      apiKey: 'a-very-long-api-key',
      apiKeyGenerated: false,
      taskQueue: 'orders',
      dataDir: '/tmp/sq',
      pterodactyl: { url: 'https://panel.example.com', apiKey: 'ptla_x' },
      registerSearchAttributes: false,
      temporal: {
        address: 'ns.acct.tmprl.cloud:7233',
        namespace: 'ns.acct',
        connection: { apiKey: 'cloud-key', tls: true },
      },
    });
  });

  it('requires API_KEY or API_KEYS in production', () => {
    expect(configError({ NODE_ENV: 'production' }).issues).toEqual([
      { variable: 'API_KEY', reason: 'API_KEY or API_KEYS is required when NODE_ENV=production' },
    ]);
  });

  it('names every bad variable with its reason and never its value', () => {
    const err = configError({
      PORT: 'eighty',
      API_KEY: 'short-secret',
      PTERODACTYL_URL: 'ftp://secret-host',
      MAX_BODY_BYTES: '10',
      TEMPORAL_ADDRESS: 'no-port-secret',
    });
    expect(err.issues.map((i) => i.variable).sort()).toEqual([
      'API_KEY',
      'MAX_BODY_BYTES',
      'PORT',
      'PTERODACTYL_API_KEY',
      'PTERODACTYL_URL',
      'TEMPORAL_ADDRESS',
    ]);
    expect(err.message).toContain('API_KEY: must be at least 16 characters');
    expect(err.message).toContain('TEMPORAL_ADDRESS: expected host:port');
    for (const secret of ['eighty', 'short-secret', 'secret-host', 'no-port-secret'])
      expect(err.message).not.toContain(secret);
  });

  it('names the TLS variable whose file is missing', () => {
    const err = configError({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent/client.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/nonexistent/client.key',
    });
    expect(err.issues[0]).toMatchObject({
      variable: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
      reason: expect.stringContaining('file not found'),
    });
  });

  it('limits orders in flight per user to MAX_INFLIGHT_PER_USER, 5 unless set', () => {
    expect(loadConfig({}).maxInflightPerUser).toBe(5);
    expect(loadConfig({ MAX_INFLIGHT_PER_USER: '12' }).maxInflightPerUser).toBe(12);
    expect(configError({ MAX_INFLIGHT_PER_USER: '0' }).issues).toEqual([
      { variable: 'MAX_INFLIGHT_PER_USER', reason: expect.any(String) },
    ]);
    expect(configError({ MAX_INFLIGHT_PER_USER: 'many' }).issues).toEqual([
      { variable: 'MAX_INFLIGHT_PER_USER', reason: expect.any(String) },
    ]);
  });

  it('limits failed authentications per address to AUTH_FAILURES_PER_MINUTE, 20 unless set', () => {
    expect(loadConfig({}).authFailuresPerMinute).toBe(20);
    expect(loadConfig({ AUTH_FAILURES_PER_MINUTE: '500' }).authFailuresPerMinute).toBe(500);
    expect(configError({ AUTH_FAILURES_PER_MINUTE: '0' }).issues.map((i) => i.variable)).toEqual([
      'AUTH_FAILURES_PER_MINUTE',
    ]);
  });

  it('sweeps hourly, reporting only, unless RECONCILE_INTERVAL, RECONCILE_STRAYS or RECONCILE_DRIFT say otherwise', () => {
    expect(loadConfig({}).reconcile).toEqual({ intervalMs: 3_600_000, policy: { strays: 'report', drift: 'report' } });
    expect(
      loadConfig({ RECONCILE_INTERVAL: '30m', RECONCILE_STRAYS: 'delete', RECONCILE_DRIFT: 'correct' }).reconcile,
    ).toEqual({ intervalMs: 1_800_000, policy: { strays: 'delete', drift: 'correct' } });
    expect(loadConfig({ RECONCILE_INTERVAL: '0m' }).reconcile.intervalMs).toBe(0);
    expect(
      configError({ RECONCILE_INTERVAL: '1m', RECONCILE_STRAYS: 'burn' })
        .issues.map((i) => i.variable)
        .sort(),
    ).toEqual(['RECONCILE_INTERVAL', 'RECONCILE_STRAYS']);
  });

  it('refuses admin-only egg variables in orders unless ORDER_ADMIN_VARIABLES=allow', () => {
    expect(loadConfig({}).orderVariables).toEqual({ allowAdminOnly: false });
    expect(loadConfig({ ORDER_ADMIN_VARIABLES: 'allow' }).orderVariables).toEqual({ allowAdminOnly: true });
    expect(configError({ ORDER_ADMIN_VARIABLES: 'yes' }).issues).toEqual([
      { variable: 'ORDER_ADMIN_VARIABLES', reason: 'must be refuse or allow' },
    ]);
  });

  it('treats empty variables as unset (as docker compose passes them)', () => {
    expect(loadConfig({ PTERODACTYL_URL: '', API_KEY: '', TEMPORAL_ADDRESS: '' })).toMatchObject({
      apiKeyGenerated: true,
      pterodactyl: { url: undefined },
      temporal: { address: undefined },
    });
  });
});
