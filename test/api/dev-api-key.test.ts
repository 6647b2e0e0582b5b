import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { displayPath, persistDevApiKey } from '../../src/launcher/dev-api-key';
import { freePort } from '../e2e/stack-process';
import { waitFor } from './harness';

const ROOT = path.resolve(__dirname, '../..');
const GENERATED = `dev-${'a'.repeat(32)}`;
const mode = (file: string) => statSync(file).mode & 0o777;

describe('persistDevApiKey', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'server-queue-devkey-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the generated key to DATA_DIR/dev-api-key with mode 0600, creating the directory', () => {
    const dataDir = path.join(dir, 'data');
    const { key, file } = persistDevApiKey(dataDir, GENERATED);
    expect({ key, file }).toEqual({ key: GENERATED, file: path.join(dataDir, 'dev-api-key') });
    expect(readFileSync(file, 'utf8')).toBe(`${GENERATED}\n`);
    expect(mode(file)).toBe(0o600);
  });

  it('keeps a valid key across restarts and rewrites a readable file as 0600', () => {
    const file = path.join(dir, 'dev-api-key');
    const previous = `dev-${'B_-9'.repeat(8)}`;
    writeFileSync(file, `${previous}\n`, { mode: 0o644 });
    expect(persistDevApiKey(dir, GENERATED).key).toBe(previous);
    expect(mode(file)).toBe(0o600);
  });

  it('replaces a file that holds no development key', () => {
    writeFileSync(path.join(dir, 'dev-api-key'), 'short\n');
    expect(persistDevApiKey(dir, GENERATED).key).toBe(GENERATED);
  });

  it('replaces a symlink without reading or writing its target', () => {
    const target = path.join(dir, 'elsewhere');
    writeFileSync(target, `dev-${'c'.repeat(32)}\n`, { mode: 0o644 });
    symlinkSync(target, path.join(dir, 'dev-api-key'));
    expect(persistDevApiKey(dir, GENERATED).key).toBe(GENERATED);
    expect(readFileSync(target, 'utf8')).toBe(`dev-${'c'.repeat(32)}\n`);
    expect(mode(path.join(dir, 'dev-api-key'))).toBe(0o600);
  });

  it('names the file relative to the working directory only when it is inside it', () => {
    expect(displayPath('/srv/app/data/dev-api-key', '/srv/app')).toBe('data/dev-api-key');
    expect(displayPath('/tmp/x/dev-api-key', '/srv/app')).toBe('/tmp/x/dev-api-key');
  });
});

describe('npm start without API_KEY', () => {
  it('keeps the generated key out of its output, in a 0600 file that the API accepts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'server-queue-devkey-main-'));
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PORT: String(port),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: '0',
      SIM_PORT: String(await freePort()),
    };
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitFor(
        async () => output,
        (text) => text.includes('server-queue is running') || child.exitCode !== null,
        90_000,
      );
      const file = path.join(dataDir, 'dev-api-key');
      expect(output).toContain(`API key      in ${file} (generated operator key, mode 0600`);
      expect(output).toContain(`curl -H "Authorization: Bearer $(cat ${file})" http://127.0.0.1:${port}/v1/orders`);
      expect(mode(file)).toBe(0o600);
      const key = readFileSync(file, 'utf8').trim();
      expect(key).toMatch(/^dev-[A-Za-z0-9_-]{32}$/);
      expect(output).not.toContain(key);
      const orders = (authorization?: string) =>
        fetch(`http://127.0.0.1:${port}/v1/orders`, { headers: authorization ? { Authorization: authorization } : {} });
      expect((await orders(`Bearer ${key}`)).status).toBe(200);
      expect((await orders()).status).toBe(401);
      expect(output).not.toContain(key);
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
