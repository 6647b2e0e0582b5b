import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnection } from '@temporalio/worker';
import { temporalInterceptors } from './temporal-grpc';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/**
 * Where and how to reach Temporal, from Temporal's standard environment configuration (`@temporalio/envconfig`):
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, TEMPORAL_PROFILE and
 * TEMPORAL_CONFIG_FILE. `address` is undefined when nothing configures one (npm start then runs the Temporal dev server).
 */
export interface TemporalSettings {
  address?: string;
  namespace: string;
  connection: { apiKey?: string; tls?: ConnectionOptions['tls']; metadata?: Record<string, string> };
}

const TLS_PATH_VARIABLES = [
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
];
const ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function describeLoadFailure(error: unknown, env: Env): ConfigError {
  const err = error as {
    code?: string;
    path?: string;
    name?: string;
    line?: number;
    column?: number;
    message?: string;
  };
  if (err.code === 'ENOENT') {
    const variable = TLS_PATH_VARIABLES.find((name) => env[name] && env[name] === err.path) ?? 'TEMPORAL_CONFIG_FILE';
    return new ConfigError([{ variable, reason: `file not found: ${err.path ?? 'unknown path'}` }]);
  }
  if (err.name === 'TomlError') {
    const where = err.line !== undefined ? ` (line ${err.line}, column ${err.column ?? '?'})` : '';
    return new ConfigError([{ variable: 'TEMPORAL_CONFIG_FILE', reason: `not valid TOML${where}` }]);
  }
  if (err.message?.startsWith('Profile '))
    return new ConfigError([{ variable: 'TEMPORAL_PROFILE', reason: err.message }]);
  return new ConfigError([
    { variable: 'TEMPORAL_* / TEMPORAL_CONFIG_FILE', reason: 'could not load the Temporal client configuration' },
  ]);
}

export function loadTemporalSettings(env: Env = process.env): TemporalSettings {
  const defined = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: defined });
  } catch (error) {
    throw describeLoadFailure(error, defined);
  }
  const { address, apiKey, tls, metadata } = loaded.connectionOptions;
  if (address !== undefined && !ADDRESS.test(address)) {
    throw new ConfigError([{ variable: 'TEMPORAL_ADDRESS', reason: 'expected host:port, for example temporal:7233' }]);
  }
  return {
    address,
    namespace: loaded.namespace ?? 'default',
    connection: { apiKey, tls, metadata: metadata as Record<string, string> | undefined },
  };
}

/** The same settings pointed at another address (the Temporal dev server npm start runs). */
export function withAddress(settings: TemporalSettings, address: string): TemporalSettings {
  return { ...settings, address };
}

/** What can be printed about the target: no key, no certificate. */
export function describeTemporalTarget(settings: TemporalSettings): string {
  const extras = [
    settings.connection.tls ? 'TLS' : undefined,
    settings.connection.apiKey ? 'API key' : undefined,
  ].filter(Boolean);
  return `${settings.address ?? '(no address)'} namespace ${settings.namespace}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

function requireAddress(settings: TemporalSettings): string {
  if (!settings.address)
    throw new ConfigError([
      { variable: 'TEMPORAL_ADDRESS', reason: 'required here (host:port of the Temporal frontend)' },
    ]);
  return settings.address;
}

/** What a client gets besides its connection: the payload codec (PAYLOAD_ENCRYPTION_KEY) as its data converter. */
export interface ClientExtras {
  dataConverter?: DataConverter;
}

/** A client whose connection is opened on first use, so a process can start (and report not ready) while Temporal is down. */
export function lazyClient(settings: TemporalSettings, options: ClientExtras = {}): Client {
  const connection = Connection.lazy({
    ...settings.connection,
    address: requireAddress(settings),
    interceptors: temporalInterceptors(),
  });
  return new Client({ connection, namespace: settings.namespace, dataConverter: options.dataConverter });
}

/** A client connected now (fails when Temporal cannot be reached). */
export async function connectClient(settings: TemporalSettings, options: ClientExtras = {}): Promise<Client> {
  const connection = await Connection.connect({
    ...settings.connection,
    address: requireAddress(settings),
    interceptors: temporalInterceptors(),
  });
  return new Client({ connection, namespace: settings.namespace, dataConverter: options.dataConverter });
}

/** The worker's connection; `@temporalio/worker` (native) is loaded only by processes that run a worker. */
export async function connectWorkerConnection(settings: TemporalSettings): Promise<NativeConnection> {
  const { NativeConnection: Native } = await import('@temporalio/worker');
  return Native.connect({ ...settings.connection, address: requireAddress(settings) });
}
