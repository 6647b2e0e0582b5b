import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function runWorkerMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/worker/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('the standalone worker (src/worker/main.ts)', () => {
  it('exits 1 naming the missing panel settings', async () => {
    const { code, stderr } = await runWorkerMain({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(code).toBe(1);
    expect(stderr).toContain('PTERODACTYL_URL and PTERODACTYL_API_KEY are required');
  });

  it('exits 1 naming a bad variable without echoing its value', async () => {
    const { code, stderr } = await runWorkerMain({ PTERODACTYL_URL: 'ftp://secret-host', PTERODACTYL_API_KEY: 'k' });
    expect(code).toBe(1);
    expect(stderr).toContain('PTERODACTYL_URL');
    expect(stderr).not.toContain('secret-host');
  });
});
