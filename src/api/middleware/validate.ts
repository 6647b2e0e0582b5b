import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { ApiError } from '../errors';

export type RequestPart = 'body' | 'query' | 'params';

const CODES: Record<RequestPart, string> = { body: 'invalid_body', query: 'invalid_query', params: 'invalid_path' };

export interface FieldIssue {
  field: string;
  reason: string;
}

/** zod issues as `{ field, reason }`; an unknown key becomes one issue per key. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: at ? `${at}.${key}` : key, reason: 'unknown field' }));
    }
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    return [{ field: at || '(root)', reason: missing ? 'required' : issue.message }];
  });
}

/** Validates one part of the request; the parsed value is kept in `res.locals.valid[part]` (read it with `validated`). */
export function validate(part: RequestPart, schema: z.ZodType): RequestHandler {
  return (req, res, next) => {
    const result = schema.safeParse(req[part] ?? {});
    if (!result.success) {
      next(
        new ApiError(400, CODES[part], `invalid request ${part === 'params' ? 'path' : part}`, {
          issues: fieldIssues(result.error),
        }),
      );
      return;
    }
    const locals = res.locals as { valid?: Partial<Record<RequestPart, unknown>> };
    locals.valid = { ...locals.valid, [part]: result.data };
    next();
  };
}

/** The value `validate(part, schema)` parsed for this request. */
export function validated<S extends z.ZodType>(res: Response, part: RequestPart, _schema: S): z.output<S> {
  const valid = (res.locals as { valid?: Partial<Record<RequestPart, unknown>> }).valid;
  if (!valid || !(part in valid)) throw new Error(`request ${part} was not validated`);
  return valid[part] as z.output<S>;
}
