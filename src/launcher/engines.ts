import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ORDER_SEARCH_ATTRIBUTES } from '../workflows/contract';

const ROOT = path.resolve(__dirname, '../..');
const ENGINES_DIR = path.join(ROOT, '.temporal');

/** The official engines this project runs, pinned; `npm install` builds them into `.temporal/` (git-ignored). */
export const ENGINES = {
  cli: {
    module: 'github.com/temporalio/cli/cmd/temporal@v1.5.1',
    /** What `temporal --version` of that build prints about the server it embeds. */
    versionMark: '(Server 1.29.1, UI 2.42.1)',
    binary: path.join(ENGINES_DIR, 'bin', 'temporal'),
  },
  testServer: {
    pom: path.join(ROOT, 'engines', 'test-server', 'pom.xml'),
    lib: path.join(ENGINES_DIR, 'test-server', 'lib'),
    wrapper: path.join(ROOT, 'bin', 'temporal-test-server'),
  },
  /** Where the SDK's own download puts engines on machines without Go or Java. */
  downloadDir: path.join(ENGINES_DIR, 'download'),
  /** The dynamic config that docker compose mounts and `npm start` applies: one file, no drift. */
  dynamicConfigFile: path.join(ROOT, 'docker', 'temporal', 'dynamicconfig.yaml'),
} as const;

/** How to run an engine: a binary on disk, or the SDK's cached download (machines with internet, no Go or Java). */
export type EngineExecutable =
  { type: 'existing-path'; path: string } | { type: 'cached-download'; downloadDir: string };

const SDK_DOWNLOADS = { cli: 'temporal-sdk-typescript-', testServer: 'temporal-test-server-sdk-typescript-' };

function downloaded(prefix: string): string | undefined {
  if (!existsSync(ENGINES.downloadDir)) return undefined;
  const name = readdirSync(ENGINES.downloadDir).find((file) => file.startsWith(prefix) && !file.endsWith('.tmp'));
  return name ? path.join(ENGINES.downloadDir, name) : undefined;
}

function pick(override: string | undefined, local: string | undefined, prefix: string): EngineExecutable {
  if (override) {
    if (!existsSync(override)) throw new Error(`${override} does not exist`);
    return { type: 'existing-path', path: override };
  }
  const found = local ?? downloaded(prefix);
  return found ? { type: 'existing-path', path: found } : { type: 'cached-download', downloadDir: ENGINES.downloadDir };
}

/** The Temporal CLI (dev server and UI): `TEMPORAL_CLI_PATH`, the project's build, or the SDK's download. */
export function temporalCli(env: NodeJS.ProcessEnv = process.env): EngineExecutable {
  return pick(
    env.TEMPORAL_CLI_PATH || undefined,
    existsSync(ENGINES.cli.binary) ? ENGINES.cli.binary : undefined,
    SDK_DOWNLOADS.cli,
  );
}

/** The time-skipping test server: `TEMPORAL_TEST_SERVER_PATH`, the project's jars, or the SDK's download. */
export function testServer(env: NodeJS.ProcessEnv = process.env): EngineExecutable {
  const local = existsSync(ENGINES.testServer.lib) ? ENGINES.testServer.wrapper : undefined;
  return pick(env.TEMPORAL_TEST_SERVER_PATH || undefined, local, SDK_DOWNLOADS.testServer);
}

/** The CLI binary to spawn, or a clear error saying how to get one. */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  const cli = temporalCli(env);
  if (cli.type === 'existing-path') return cli.path;
  throw new Error(
    `the Temporal CLI is not installed: run npm install (it builds ${ENGINES.cli.module} with Go, or downloads it through the Temporal SDK), or set TEMPORAL_CLI_PATH`,
  );
}

type DynamicConfigEntry = { value: unknown; constraints?: Record<string, unknown> };

/**
 * `--dynamic-config-value KEY=JSON` arguments for the dev server from the dynamic config file, with `overrides` on top.
 * Only unconstrained values can be passed this way; a constrained entry is an error rather than silently dropped.
 */
export function dynamicConfigArgs(
  overrides: Record<string, unknown> = {},
  file: string = ENGINES.dynamicConfigFile,
): string[] {
  const config = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, DynamicConfigEntry[]>;
  const values = new Map<string, unknown>();
  for (const [key, entries] of Object.entries(config)) {
    for (const entry of entries) {
      if (entry.constraints && Object.keys(entry.constraints).length > 0) {
        throw new Error(`${file}: ${key} has constraints; the dev server takes only unconstrained values`);
      }
      values.set(key, entry.value);
    }
  }
  for (const [key, value] of Object.entries(overrides)) values.set(key, value);
  return [...values].flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}

/** The dynamic config file's value of `key` (the last unconstrained one), or undefined. */
export function dynamicConfigValue(key: string, file: string = ENGINES.dynamicConfigFile): unknown {
  const config = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, DynamicConfigEntry[]>;
  return config[key]?.at(-1)?.value;
}

const SEARCH_ATTRIBUTE_TYPES = { KEYWORD: 'Keyword', INT: 'Int' } as const;

/** `--search-attribute NAME=TYPE` arguments registering the order search attributes at the dev server's start. */
export function searchAttributeArgs(): string[] {
  return ORDER_SEARCH_ATTRIBUTES.flatMap((key) => [
    '--search-attribute',
    `${key.name}=${SEARCH_ATTRIBUTE_TYPES[key.type as 'KEYWORD' | 'INT']}`,
  ]);
}
