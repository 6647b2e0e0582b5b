import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { configError } from '../config-error';
import { REDACTED_PATHS } from '../../src/logger';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;

describe('CALLBACK_SECRETS and CALLBACK_LEGACY_HEADERS', () => {
  it('reads the secrets newest first, trimming spaces; none by default, legacy headers on by default', () => {
    const [a, b] = [whsec(), whsec()];
    const config = loadConfig({ CALLBACK_SECRETS: ` ${a} , ${b} ` });
    expect(config.callbackSecrets).toEqual([a, b]);
    expect(config.callbackLegacyHeaders).toBe(true);
    expect(loadConfig({}).callbackSecrets).toEqual([]);
    expect(loadConfig({ CALLBACK_LEGACY_HEADERS: 'false' }).callbackLegacyHeaders).toBe(false);
  });

  it('names bad entries by position and never echoes a secret', () => {
    const good = whsec();
    const short = `whsec_${randomBytes(16).toString('base64')}`;
    const err = configError({ CALLBACK_SECRETS: `${good},${short}` });
    expect(err.issues).toEqual([{ variable: 'CALLBACK_SECRETS', reason: 'entry 2: must decode to 24 to 64 bytes' }]);
    expect(err.message).not.toContain(short.slice(6));
    expect(err.message).not.toContain(good.slice(6));

    const raw = 'raw-secret-without-prefix-0123456789';
    expect(configError({ CALLBACK_SECRETS: raw }).issues).toEqual([
      { variable: 'CALLBACK_SECRETS', reason: 'entry 1: must start with whsec_' },
    ]);
    expect(configError({ CALLBACK_SECRETS: raw }).message).not.toContain(raw);
    expect(configError({ CALLBACK_SECRETS: `${good},${good}` }).issues).toEqual([
      { variable: 'CALLBACK_SECRETS', reason: 'entry 2: the same secret as entry 1' },
    ]);
    expect(configError({ CALLBACK_SECRETS: ' , ' }).issues).toEqual([
      { variable: 'CALLBACK_SECRETS', reason: 'no secret given' },
    ]);
  });

  it('keeps the secrets out of the logs', () => {
    expect(REDACTED_PATHS).toEqual(
      expect.arrayContaining(['CALLBACK_SECRETS', 'callbackSecrets', 'config.callbackSecrets', 'CALLBACK_SECRET']),
    );
  });
});
