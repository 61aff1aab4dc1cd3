import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/core/changes.ts
var IMPACT_ORDER = ["destructive", "access", "routine"];
function assertNever(value) {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

export {
  IMPACT_ORDER,
  assertNever
};
