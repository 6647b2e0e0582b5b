/**
 * The Dockerfile's build steps without a Docker engine (CI has none): every stage is built in a directory of its own
 * from a clean copy of the repository (its tracked files, less .dockerignore): COPY from the context or from an
 * earlier stage, WORKDIR, ENV, and the RUN steps that work inside the stage's directory (the dependency install); a
 * RUN step that only prepares the image's filesystem (outside /app) is listed, not run. Then the runtime stage's
 * entry points are started the way docker/entrypoint.sh starts them, to show that they load with production
 * dependencies only. Exits 1 on the first failure.
 * Usage: node -r ts-node/register/transpile-only scripts/check-docker-build.ts
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const say = (line: string) => process.stdout.write(`docker build check: ${line}\n`);

interface Stage {
  name: string;
  dir: string;
  workdir: string;
  env: Record<string, string>;
}

/** Instructions with their continuation lines joined, comments dropped. */
function instructions(dockerfile: string): Array<{ op: string; args: string }> {
  const joined = dockerfile
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const space = l.indexOf(' ');
      return { op: l.slice(0, space).toUpperCase(), args: l.slice(space + 1).trim() };
    });
}

/** The build context: tracked files less what .dockerignore excludes (its patterns are plain names and *.ext here). */
function context(into: string): void {
  const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const excluded = (file: string) =>
    ignored.some((pattern) =>
      pattern.startsWith('*.') ? file.endsWith(pattern.slice(1)) : file === pattern || file.startsWith(`${pattern}/`),
    );
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !excluded(f));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(into, file));
  }
}

function copy(stage: Stage, from: string, sources: string[], dest: string): void {
  const target = path.join(stage.dir, dest.startsWith('/') ? dest : path.join(stage.workdir, dest));
  for (const source of sources) {
    const src = path.join(from, source);
    const into = dest.endsWith('/') || sources.length > 1 ? path.join(target, path.basename(source)) : target;
    mkdirSync(path.dirname(into), { recursive: true });
    cpSync(src, into, { recursive: true });
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'server-queue-docker-'));
  try {
    const ctx = path.join(work, 'context');
    context(ctx);
    say(`context: ${ctx}`);
    const stages = new Map<string, Stage>();
    let stage: Stage | undefined;
    for (const { op, args } of instructions(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))) {
      if (op === 'FROM') {
        const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${stages.size}`;
        stage = { name, dir: path.join(work, name), workdir: '/', env: {} };
        mkdirSync(stage.dir, { recursive: true });
        stages.set(name, stage);
        say(`stage ${name} (${args})`);
      } else if (!stage) {
        throw new Error(`${op} before FROM`);
      } else if (op === 'WORKDIR') {
        stage.workdir = args;
        mkdirSync(path.join(stage.dir, args), { recursive: true });
      } else if (op === 'ENV') {
        for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g)) stage.env[key] = value;
      } else if (op === 'COPY') {
        const parts = args.split(/\s+/);
        const fromStage = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
        const paths = parts.filter((p) => !p.startsWith('--'));
        const dest = paths.pop()!;
        const from = fromStage ? path.join(stages.get(fromStage)!.dir, stages.get(fromStage)!.workdir) : ctx;
        const sources = fromStage ? paths.map((p) => path.relative(stages.get(fromStage)!.workdir, p)) : paths;
        copy(stage, from, sources, dest);
        say(`COPY ${args}`);
      } else if (op === 'RUN') {
        if (stage.workdir === '/' || /(^|\s)\/(?!dev\/null)/.test(args)) {
          say(`RUN ${args}  (prepares the image's filesystem; not run here)`);
          continue;
        }
        say(`RUN ${args}`);
        execFileSync('sh', ['-c', args], {
          cwd: path.join(stage.dir, stage.workdir),
          stdio: 'inherit',
          env: { ...process.env, ...stage.env },
        });
      }
    }
    const runtime = [...stages.values()].at(-1)!;
    await smoke(path.join(runtime.dir, runtime.workdir), runtime.env);
    say('passed');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Each entry point starts with production dependencies only and stops at its own configuration check. */
async function smoke(app: string, env: Record<string, string>): Promise<void> {
  const run = (script: string, extra: Record<string, string>, expect: RegExp) => {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', ...env, ...extra, DATA_DIR: path.join(app, 'data') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    if (!expect.test(output)) throw new Error(`${script}: expected ${expect}, got:\n${output}`);
    say(`${script}: ${expect.source.replace(/\\/g, '')}`);
  };
  run(
    'src/api/main.ts',
    { NODE_ENV: 'production' },
    /API_KEY: API_KEY or API_KEYS is required when NODE_ENV=production/,
  );
  run(
    'src/worker/main.ts',
    { TEMPORAL_ADDRESS: '127.0.0.1:1', API_KEY: 'docker-check-key-0123456789' },
    /PTERODACTYL_URL and PTERODACTYL_API_KEY are required/,
  );
  run(
    'src/main.ts',
    { NODE_ENV: 'production', API_KEY: 'docker-check-key-0123456789' },
    /the Temporal CLI is not installed|could not start/,
  );
  const sim = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'sim/src/main.ts'], {
    cwd: app,
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      SIM_PORT: '0',
      PTERODACTYL_API_KEY: 'ptla_docker_check',
      DATA_DIR: path.join(app, 'data'),
    },
  });
  let out = '';
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 60_000);
    sim.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('simulated panel listening')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    sim.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  sim.kill('SIGTERM');
  if (!started) throw new Error(`sim/src/main.ts did not start:\n${out}`);
  say('sim/src/main.ts: simulated panel listening');
}

main().catch((err: unknown) => {
  process.stderr.write(`docker build check: FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
