import { workerEnvironment } from '../../src/launcher/worker-process';

describe('the worker child process environment', () => {
  it('drops the API keys, keeps the payload key, and sets the Temporal and panel targets', () => {
    const env = workerEnvironment(
      {
        PATH: '/usr/bin',
        API_KEY: 'operator-secret-0123456789',
        API_KEYS: 'a:panel:0123456789abcdef',
        LOG_LEVEL: 'warn',
        PAYLOAD_ENCRYPTION_KEY: 'k1:base64key',
      },
      {
        temporalAddress: '127.0.0.1:7233',
        namespace: 'default',
        panel: { url: 'http://127.0.0.1:9', apiKey: 'ptla_x' },
      },
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      LOG_LEVEL: 'warn',
      PAYLOAD_ENCRYPTION_KEY: 'k1:base64key',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      PTERODACTYL_URL: 'http://127.0.0.1:9',
      PTERODACTYL_API_KEY: 'ptla_x',
    });
  });
});
