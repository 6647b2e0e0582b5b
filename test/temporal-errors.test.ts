import { status } from '@grpc/grpc-js';
import { ServiceError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { describeIfFound, isTemporalUnavailable } from '../src/temporal-errors';

const handleFailing = (err: unknown) => ({ describe: () => Promise.reject(err) }) as unknown as WorkflowHandle;
const grpcError = (code: number) => Object.assign(new Error(`grpc ${code}`), { code, details: '', metadata: {} });

describe('describeIfFound', () => {
  it('answers undefined for a workflow Temporal does not have (never started, or past its retention)', async () => {
    await expect(describeIfFound(handleFailing(new WorkflowNotFoundError('gone', 'wf', undefined)))).resolves.toBe(
      undefined,
    );
    const notFound = new ServiceError('not found', { cause: grpcError(status.NOT_FOUND) });
    await expect(describeIfFound(handleFailing(notFound))).resolves.toBe(undefined);
  });

  it('throws every other error, so Temporal being down is not read as "no such workflow"', async () => {
    const down = new ServiceError('unavailable', { cause: grpcError(status.UNAVAILABLE) });
    expect(isTemporalUnavailable(down)).toBe(true);
    await expect(describeIfFound(handleFailing(down))).rejects.toBe(down);
  });

  it('answers the description when there is one', async () => {
    const described = { status: { name: 'RUNNING' } };
    const handle = { describe: () => Promise.resolve(described) } as unknown as WorkflowHandle;
    await expect(describeIfFound(handle)).resolves.toBe(described);
  });
});
