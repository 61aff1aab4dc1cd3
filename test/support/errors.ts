import { isAppError, type AppError } from '../../src/core/errors.ts';

/** The AppError `promise` rejects with; any other error is rethrown, and no rejection fails. */
export async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** The code of the AppError `promise` rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await rejectionOf(promise)).code;
}
