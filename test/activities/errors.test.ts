import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_FAILURE_TYPES, failureFromProvider } from '../../src/errors';
import { ProviderContractError, ProviderError, type ProviderErrorKind } from '../../src/provider';

const providerError = (
  kind: ProviderErrorKind,
  retryable: boolean,
  extra: Partial<ConstructorParameters<typeof ProviderError>[0]> = {},
) => new ProviderError({ kind, retryable, method: 'POST', path: '/servers', detail: 'panel said no', ...extra });

describe('mapping panel errors to activity failures', () => {
  it.each([
    ['validation', 422, 'PanelValidation'],
    ['allocation_taken', 422, 'AllocationTaken'],
    ['bad_request', 400, 'PanelBadRequest'],
    ['no_capacity', 400, 'NoCapacity'],
    ['auth', 401, 'PanelAuth'],
    ['auth', 403, 'PanelAuth'],
    ['not_found', 404, 'PanelNotFound'],
  ] as const)('makes %s (%i) non-retryable with type %s', (kind, status, type) => {
    const failure = failureFromProvider(providerError(kind, false, { status }));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, nonRetryable: true, details: [expect.objectContaining({ status })] });
    expect(NON_RETRYABLE_FAILURE_TYPES).toContain(type);
  });

  it.each([
    ['conflict', 409, 'PanelConflict'],
    ['unavailable', 502, 'PanelUnavailable'],
    ['timeout', undefined, 'PanelTimeout'],
  ] as const)('keeps %s (%s) retryable as %s', (kind, status, type) => {
    const failure = failureFromProvider(providerError(kind, true, { status }));
    expect(failure).toMatchObject({ type, nonRetryable: false, nextRetryDelay: undefined });
    expect(NON_RETRYABLE_FAILURE_TYPES).not.toContain(type);
  });

  it('honours Retry-After of a 429 as the next retry delay', () => {
    const failure = failureFromProvider(providerError('rate_limited', true, { status: 429, retryAfterMs: 17_000 }));
    expect(failure).toMatchObject({ type: 'PanelRateLimited', nonRetryable: false, nextRetryDelay: 17_000 });
  });

  it('treats an unreadable panel response as permanent', () => {
    const failure = failureFromProvider(
      new ProviderContractError({ method: 'GET', path: '/nodes', status: 200, issues: ['data: expected array'] }),
    );
    expect(failure).toMatchObject({ type: 'PanelContract', nonRetryable: true });
  });
});
