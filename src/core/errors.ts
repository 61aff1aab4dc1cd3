/**
 * One error vocabulary for the whole project. Adapters translate SDK and Octokit exceptions into
 * AppError at the edge; the CLI prints `message` (and `hint`), never a stack trace.
 */
export type ErrorFault = 'user' | 'system';

export class AppError extends Error {
  readonly code: string;
  readonly fault: ErrorFault;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { fault?: ErrorFault; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.fault = options.fault ?? 'system';
    this.hint = options.hint;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
