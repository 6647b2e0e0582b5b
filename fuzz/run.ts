import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startStack } from '../test/e2e/stack-process';

/**
 * `npm run fuzz:api`: schemathesis (pinned in fuzz/requirements.txt, installed from PyPI into the git-ignored
 * .fuzz/venv) against the `npm start` stack on its embedded defaults, every check on, from GET /openapi.json.
 * Arguments after `--` go to schemathesis (e.g. `--max-examples 50`); the seed is fixed so a run can be repeated.
 * The venv's Python is FUZZ_PYTHON, else the first 3.12 or newer found (3.11 trips a CPython AST bug in hypothesis).
 */
const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.fuzz', 'venv');
const SCHEMATHESIS = path.join(VENV, 'bin', 'schemathesis');
export const FUZZ_SEED = 20261206;
export const FUZZ_MAX_EXAMPLES = 100;
/** Orders may carry a callbackUrl only where callbacks are signed: the fuzzed service has a secret. */
const FUZZ_CALLBACK_SECRET = `whsec_${Buffer.from('server-queue-fuzz-callback-secret!').toString('base64')}`;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function pythonVersion(python: string): [number, number] | null {
  const result = spawnSync(python, ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1])'], {
    encoding: 'utf8',
  });
  const [major, minor] = (result.stdout ?? '').trim().split(' ').map(Number);
  return result.status === 0 && major !== undefined && minor !== undefined ? [major, minor] : null;
}

/** FUZZ_PYTHON, else the first Python 3.12 or newer among `python3` and pyenv's versions. */
function choosePython(): string {
  if (process.env.FUZZ_PYTHON) return process.env.FUZZ_PYTHON;
  const roots = [process.env.PYENV_ROOT, path.join(process.env.HOME ?? '/root', '.pyenv'), '/root/.pyenv'];
  const pyenvVersions = [...new Set(roots.filter((root): root is string => !!root))]
    .map((root) => path.join(root, 'versions'))
    .filter((versions) => existsSync(versions))
    .flatMap((versions) =>
      readdirSync(versions)
        .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
        .map((version) => path.join(versions, version, 'bin', 'python3')),
    );
  for (const python of ['python3', ...pyenvVersions]) {
    const version = pythonVersion(python);
    if (version && (version[0] > 3 || (version[0] === 3 && version[1] >= 12))) return python;
  }
  throw new Error('schemathesis needs Python 3.12 or newer (3.11 trips a CPython AST bug); set FUZZ_PYTHON');
}

function ensureSchemathesis(): void {
  if (existsSync(SCHEMATHESIS)) return;
  mkdirSync(path.dirname(VENV), { recursive: true });
  run(choosePython(), ['-m', 'venv', VENV]);
  run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', '-r', path.join(ROOT, 'fuzz', 'requirements.txt')]);
}

async function main(): Promise<void> {
  ensureSchemathesis();
  const stack = await startStack({
    env: {
      LOG_LEVEL: 'error',
      AUTH_FAILURES_PER_MINUTE: '1000000',
      MAX_INFLIGHT_PER_USER: '100000',
      CALLBACK_SECRETS: FUZZ_CALLBACK_SECRET,
    },
  });
  let code: number;
  try {
    const args = [
      '--config-file',
      path.join(ROOT, 'fuzz', 'schemathesis.toml'),
      'run',
      `${stack.apiUrl}/openapi.json`,
      '--checks',
      'all',
      '--seed',
      String(FUZZ_SEED),
      '--max-examples',
      String(FUZZ_MAX_EXAMPLES),
      '--workers',
      '2',
      '--header',
      `Authorization: Bearer ${stack.apiKey}`,
      '--report',
      'junit',
      '--report-dir',
      path.join(ROOT, 'reports', 'fuzz'),
      '--no-color',
      ...process.argv.slice(2),
    ];
    const child = spawn(SCHEMATHESIS, args, { stdio: 'inherit', cwd: ROOT });
    code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  } finally {
    await stack.stop();
  }
  process.exit(code);
}

void main().catch((err: unknown) => {
  process.stderr.write(`fuzz: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
