import { ConfigError, loadConfig } from '../../src/config';

describe('metrics and Temporal UI settings', () => {
  it('default to worker metrics on 9464, SDK metrics on 9465 and no Temporal UI link', () => {
    const config = loadConfig({});
    expect(config.workerMetricsPort).toBe(9464);
    expect(config.workerSdkMetricsPort).toBe(9465);
    expect(config.temporalUiUrl).toBeUndefined();
  });

  it('take TEMPORAL_UI_URL as an http(s) URL and 0 to turn a metrics port off', () => {
    const config = loadConfig({
      TEMPORAL_UI_URL: 'http://localhost:8233',
      WORKER_METRICS_PORT: '0',
      WORKER_SDK_METRICS_PORT: '0',
    });
    expect(config).toMatchObject({
      temporalUiUrl: 'http://localhost:8233',
      workerMetricsPort: 0,
      workerSdkMetricsPort: 0,
    });
  });

  it('name a bad value without echoing it', () => {
    let error: unknown;
    try {
      loadConfig({ TEMPORAL_UI_URL: 'ftp://secret-ui', WORKER_METRICS_PORT: '70000' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('TEMPORAL_UI_URL');
    expect(message).toContain('WORKER_METRICS_PORT');
    expect(message).not.toContain('secret-ui');
  });
});
