import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Passes a rejected handler promise to the error handler (Express 4 does not). */
export function asyncRoute(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}
