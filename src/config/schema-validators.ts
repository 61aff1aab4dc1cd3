/**
 * The compiled validators of the JSON Schemas in schema/. Under tsx (development and tests) ajv
 * compiles them when this module loads; `npm run build` replaces this module with the code ajv
 * generates from the very same schemas and options (ajv's "standalone" output, see
 * scripts/build.ts), so the compiled CLI does not spend its start-up compiling schemas.
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import accountSchema from '../../schema/account.schema.json' with { type: 'json' };
import settingsSchema from '../../schema/settings.schema.json' with { type: 'json' };
import userSchema from '../../schema/user.schema.json' with { type: 'json' };
import type { SchemaKind, SchemaTypes } from './schemas.ts';

// ajv-formats is CommonJS; under NodeNext its default export is reached through `.default`.
const addFormats = addFormatsModule.default;

/** The schemas, by kind (imported, so the compiled CLI carries them wherever it runs). */
export const SCHEMAS = { settings: settingsSchema, user: userSchema, account: accountSchema } as const;

/**
 * allErrors: one run shows every problem in a file. verbose: errors carry the data and schema,
 * which the messages use. strict: a typo in a schema fails loudly at start-up (or at build).
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, ...options });
  addFormats(ajv, ['date']);
  return ajv;
}

export type Validators = { [K in SchemaKind]: ValidateFunction<SchemaTypes[K]> };

function compileValidators(): Validators {
  const ajv = createAjv();
  return {
    settings: ajv.compile<SchemaTypes['settings']>(SCHEMAS.settings),
    user: ajv.compile<SchemaTypes['user']>(SCHEMAS.user),
    account: ajv.compile<SchemaTypes['account']>(SCHEMAS.account),
  };
}

export const validators: Validators = compileValidators();
