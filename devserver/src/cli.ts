import { parseArgs } from 'node:util';
import { startDevServer } from './server';

const usage = `Usage:
  temporal-devserver <port> [--db-filename F] [--retention D]              time-skipping test server
  temporal-devserver server start-dev [--port P] [--ip IP] [--namespace N]... [--db-filename F]
                     [--retention D] [--headless] [--ui-port U] [--log-level L] [--log-format F]
                     [--search-attribute NAME=TYPE]... [--dynamic-config-value KEY=VALUE]...   dev server
  --exit-with-stdin   stop when standard input closes (the process that started the server is gone)
  (dynamic config values are accepted for compatibility with the Temporal CLI and otherwise ignored)`;

/** Parses `24h`, `30m`, `10s`, `500ms` or a number of seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}" (examples: 24h, 30m, 10s, 500ms)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

/** `NAME=VALUE` options such as `--search-attribute CustomerId=Keyword`, as the Temporal CLI takes them. */
export function parsePairs(args: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const m = /^([^=]+)=(.+)$/.exec(arg);
    if (!m) throw new Error(`invalid ${flag} "${arg}" (expected NAME=VALUE)`);
    out[m[1].trim()] = m[2].trim();
  }
  return out;
}

const options = {
  port: { type: 'string' }, ip: { type: 'string' }, namespace: { type: 'string', multiple: true },
  'db-filename': { type: 'string' }, retention: { type: 'string' }, headless: { type: 'boolean' },
  'ui-port': { type: 'string' }, 'log-level': { type: 'string' }, 'log-format': { type: 'string' },
  'enable-time-skipping': { type: 'boolean' }, 'search-attribute': { type: 'string', multiple: true },
  'dynamic-config-value': { type: 'string', multiple: true }, 'exit-with-stdin': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[]): Promise<void> {
  const devMode = argv[0] === 'server' && argv[1] === 'start-dev';
  const { values, positionals } = parseArgs({ args: devMode ? argv.slice(2) : argv, options, allowPositionals: true, strict: true });
  if (values.help) {
    console.log(usage);
    return;
  }
  const portText = devMode ? values.port ?? '7233' : positionals[0];
  const port = Number(portText);
  if (!portText || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`a port is required\n${usage}`);
  const quiet = ['warn', 'error', 'fatal', 'panic', 'never'].includes(values['log-level'] ?? '');
  const server = await startDevServer({
    port, ip: values.ip ?? '127.0.0.1', namespaces: values.namespace ?? [], dbFilename: values['db-filename'],
    timeSkipping: !devMode, retentionMs: values.retention ? parseDuration(values.retention) : undefined,
    searchAttributes: parsePairs(values['search-attribute'] ?? [], '--search-attribute'),
  });
  parsePairs(values['dynamic-config-value'] ?? [], '--dynamic-config-value');
  if (!quiet) {
    const mode = devMode ? 'dev server' : 'time-skipping test server';
    const store = values['db-filename'] ? `state in ${values['db-filename']}` : 'state in memory';
    const line = values['log-format'] === 'json'
      ? JSON.stringify({ level: 'info', msg: 'embedded Temporal server started', mode, address: server.address, store })
      : `embedded Temporal ${mode} listening on ${server.address} (${store})`;
    console.log(line);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (values['exit-with-stdin']) process.stdin.on('end', stop).on('error', stop).resume();
  process.on('SIGUSR2', () => reportMemory(server.ctx.runs.size));
}

/** Prints heap and RSS (after a full GC when node runs with --expose-gc): how operators and the benchmark see memory. */
function reportMemory(runs: number): void {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
  console.log(JSON.stringify({ memory: { heapUsedMiB: mib(m.heapUsed), rssMiB: mib(m.rss), runs } }));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
