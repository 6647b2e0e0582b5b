/**
 * `npm install` (postinstall): the official Temporal engines, pinned, into the git-ignored `.temporal/`.
 * - the Temporal CLI (dev server + UI) built with `go install`;
 * - the time-skipping test server's jars resolved by Maven from engines/test-server/pom.xml.
 * Each is skipped when already there or named by TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH. Without Go (or Java
 * and Maven) the Temporal SDK's own download is used. SERVER_QUEUE_ENGINES=skip installs nothing (e.g. an image that
 * talks to an external Temporal). A failed build fails the install with the reason.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ENGINES } from '../src/launcher/engines';

const say = (line: string): void => {
  process.stdout.write(`server-queue engines: ${line}\n`);
};
const has = (command: string, args = ['-version']) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

class EngineError extends Error {}

/** Runs a build step, printing a line every 20 s so a long first build is not mistaken for a hang. */
function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const started = Date.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 30));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const progress = setInterval(
    () => say(`${label}: still working (${Math.round((Date.now() - started) / 1000)} s)`),
    20_000,
  );
  return new Promise((resolve, reject) => {
    child.on('error', (err) => reject(new EngineError(`${label}: ${err.message}`)));
    child.on('exit', (code) => {
      clearInterval(progress);
      if (code === 0) {
        say(`${label}: done in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve();
      } else reject(new EngineError(`${label} failed (exit code ${code}):\n${output.join('\n')}`));
    });
  });
}

/** The SDK's own download of an engine (a machine with internet but no Go or Java), started once and stopped. */
async function sdkDownload(kind: 'dev-server' | 'time-skipping'): Promise<void> {
  let testing: typeof import('@temporalio/testing');
  try {
    testing = await import('@temporalio/testing');
  } catch {
    throw new EngineError(
      'the Temporal SDK download needs the dev dependency @temporalio/testing (npm install without --omit=dev)',
    );
  }
  mkdirSync(ENGINES.downloadDir, { recursive: true });
  const executable = { type: 'cached-download' as const, downloadDir: ENGINES.downloadDir };
  say(
    `downloading the ${kind === 'dev-server' ? 'Temporal CLI' : 'time-skipping test server'} through the Temporal SDK into ${ENGINES.downloadDir}`,
  );
  try {
    const env =
      kind === 'dev-server'
        ? await testing.TestWorkflowEnvironment.createLocal({ server: { executable, ip: '127.0.0.1' } })
        : await testing.TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
    await env.teardown();
  } catch (err) {
    throw new EngineError(
      `the Temporal SDK could not download the engine: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

async function installCli(): Promise<void> {
  const { binary, module, versionMark } = ENGINES.cli;
  if (process.env.TEMPORAL_CLI_PATH)
    return say(`Temporal CLI: using TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH}`);
  if (existsSync(binary)) {
    const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout ?? '';
    if (version.includes(versionMark)) return say(`Temporal CLI: ${binary} is there ${versionMark}`);
    say(`Temporal CLI: ${binary} is another version (${version.trim()}); rebuilding`);
  }
  if (!has('go', ['version'])) {
    say("Temporal CLI: Go is not installed, so the CLI is not built here; using the Temporal SDK's download instead");
    return sdkDownload('dev-server');
  }
  say(
    `Temporal CLI: building ${module} (Temporal Server 1.29.1 and UI 2.42.1) into ${path.dirname(binary)}; the first build takes a few minutes, later ones seconds`,
  );
  await run('Temporal CLI build', 'go', ['install', module], {
    ...process.env,
    GOBIN: path.dirname(binary),
    GOFLAGS: '-buildvcs=false',
  });
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  if (!version.includes(versionMark))
    throw new EngineError(`Temporal CLI build: ${binary} reports "${version.trim()}", expected ${versionMark}`);
}

async function installTestServer(): Promise<void> {
  const { lib, pom } = ENGINES.testServer;
  if (process.env.TEMPORAL_TEST_SERVER_PATH)
    return say(`test server: using TEMPORAL_TEST_SERVER_PATH=${process.env.TEMPORAL_TEST_SERVER_PATH}`);
  const version = /<temporal\.test-server\.version>([^<]+)</.exec(readFileSync(pom, 'utf8'))?.[1];
  if (existsSync(path.join(lib, `temporal-test-server-${version}.jar`)))
    return say(`test server: ${lib} has ${version}`);
  if (!has('java') || !has('mvn', ['-v'])) {
    say(
      "test server: Java or Maven is not installed, so its jars are not resolved here; using the Temporal SDK's download instead",
    );
    return sdkDownload('time-skipping');
  }
  say(`test server: resolving io.temporal:temporal-test-server ${version} (${pom}) with Maven into ${lib}`);
  const staging = `${lib}.partial`;
  rmSync(staging, { recursive: true, force: true });
  await run('test server jars', 'mvn', [
    '-q',
    '-B',
    '-f',
    pom,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${staging}`,
  ]);
  rmSync(lib, { recursive: true, force: true });
  renameSync(staging, lib);
}

async function main(): Promise<void> {
  if (process.env.SERVER_QUEUE_ENGINES === 'skip') return say('SERVER_QUEUE_ENGINES=skip: no engines installed');
  await installTestServer();
  await installCli();
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `server-queue engines: ${message}\n` +
      'server-queue engines: the install stopped. Fix the cause and run npm install again, point TEMPORAL_CLI_PATH / ' +
      'TEMPORAL_TEST_SERVER_PATH at existing engines, or set SERVER_QUEUE_ENGINES=skip to use an external Temporal only.\n',
  );
  process.exit(1);
});
