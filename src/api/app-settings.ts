import type { AppConfig } from '../config';
import type { ApiDeps } from './app';

/** The API's settings from the service's configuration: what every process that serves the API passes createApp. */
export function apiSettingsFrom(
  config: AppConfig,
): Omit<ApiDeps, 'client' | 'logger' | 'temporalUiUrl' | 'apiWorkerReady'> {
  return {
    taskQueue: config.taskQueue,
    apiKey: config.apiKey,
    apiKeys: config.apiKeys,
    maxBodyBytes: config.maxBodyBytes,
    queryTimeoutMs: config.orderQueryTimeoutMs,
    maxInflightPerUser: config.maxInflightPerUser,
    failedAuthLimit: { max: config.authFailuresPerMinute, windowMs: 60_000 },
    flowPolicy: config.flow.policy,
    callbacksConfigured: config.callbackSecret !== undefined || config.callbackSecrets.length > 0,
    callbackAllowedHosts: config.callbackAllowedHosts,
    payloadCodec: config.payloadCodec,
    codecUiWithoutKey: config.codecAllowUnauthenticatedFromUi,
    orderVariables: config.orderVariables,
    billing: config.billing,
    bulkPace: config.bulkPace,
  };
}
