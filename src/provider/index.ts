export { createPterodactylClient } from './client';
export type { DeleteOutcome, PterodactylClient, PterodactylClientOptions } from './client';
export type { ProviderLogger } from './http';
export type { RateLimitInfo } from './rate-limit';
export { DEFAULT_TIMEOUT_MS } from './http';
export { ProviderContractError, ProviderError, isDuplicateExternalId, isProviderError } from './errors';
export type { PanelErrorEntry, ProviderErrorKind } from './errors';
export * from './requests';
export * from './schemas';
