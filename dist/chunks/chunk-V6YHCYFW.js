import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/core/errors.ts
var AppError = class extends Error {
  code;
  fault;
  hint;
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fault = options.fault ?? "system";
    this.hint = options.hint;
  }
};
function isAppError(error) {
  return error instanceof AppError;
}

export {
  AppError,
  isAppError
};
