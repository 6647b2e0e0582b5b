import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { ValidationIssue } from '../../../src/provider/validation/validator';

/** One entry of the panel's `{"errors":[...]}` body; `status` is the HTTP status as a string. */
export interface PanelErrorEntry {
  code: string;
  status: string;
  detail: string;
  meta?: Record<string, unknown>;
}

/** An error answered in the panel's JSON error format. */
export class PanelError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    readonly detail: string,
    readonly entries?: PanelErrorEntry[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  body(): { errors: PanelErrorEntry[] } {
    return { errors: this.entries ?? [{ code: this.code, status: String(this.httpStatus), detail: this.detail }] };
  }
}

export const NOT_FOUND_DETAIL = 'The requested resource could not be found on the server.';

export function notFound(): PanelError {
  return new PanelError(404, 'NotFoundHttpException', NOT_FOUND_DETAIL);
}

export function displayError(detail: string): PanelError {
  return new PanelError(400, 'DisplayException', detail);
}

export function validationError(issues: ValidationIssue[]): PanelError {
  const entries = issues.map((issue) => ({
    code: 'ValidationException',
    status: '422',
    detail: issue.message,
    meta: { source_field: issue.field, rule: issue.rule },
  }));
  return new PanelError(422, 'ValidationException', issues[0]?.message ?? 'The given data was invalid.', entries);
}

export function sendPanelError(res: Response, error: PanelError): void {
  res.set(error.headers).status(error.httpStatus).json(error.body());
}

export const apiNotFound: RequestHandler = (_req, res) => sendPanelError(res, notFound());

function bodyParserError(error: unknown): PanelError | null {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.parse.failed') {
    return new PanelError(
      400,
      'BadRequestHttpException',
      'The JSON data passed in the request appears to be malformed: Syntax error',
    );
  }
  if (type === 'entity.too.large') return new PanelError(413, 'PostTooLargeException', '');
  return null;
}

/** Renders PanelErrors and body-parser failures; anything else is reported and becomes a generic 500. */
export function apiErrorHandler(reportUnexpected: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const known = error instanceof PanelError ? error : bodyParserError(error);
    if (!known) reportUnexpected(error);
    sendPanelError(
      res,
      known ??
        new PanelError(
          500,
          'Exception',
          'An unexpected error was encountered while processing this request, please try again.',
        ),
    );
  };
}
