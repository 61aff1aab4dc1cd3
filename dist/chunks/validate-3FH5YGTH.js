import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  accountsRemovedSinceBase,
  gitSource
} from "./chunk-SGHDHVBQ.js";
import "./chunk-RVHXHU5L.js";
import {
  fsSource,
  loadDesiredState
} from "./chunk-JF4YEUYF.js";
import "./chunk-6G5MSTI5.js";
import {
  PROBLEM_FORMATS,
  hasErrors,
  isColorWanted,
  renderProblems,
  renderValidationSummary
} from "./chunk-YB3UBEN7.js";
import "./chunk-V6YHCYFW.js";
import "./chunk-6DG7BXTN.js";

// src/cli/commands/validate.ts
var VALIDATE_USAGE = `usage: npm run validate -- [--format text|github|json] [--json] [--base <git ref>]

Checks settings.yaml, users/ and accounts/ against the schemas and the cross-file rules.
  --format text    file:line:col  severity  message  [rule]  (default)
  --format github  GitHub Actions annotations (::error file=...::message)
  --format json    {"version": 1, "valid": ..., "problems": [...]}  (also: --json)
  --base <ref>     also compare with the files at a git ref: an account file deleted since then
                   is an error (accounts are closed with state: closed, never removed)
Exit status: 0 when there are no errors (warnings allowed), 1 otherwise.
`;
var validate = async (ctx) => {
  const args = parseValidateArgs(ctx.args);
  if ("error" in args) {
    ctx.stderr.write(`validate: ${args.error}
${VALIDATE_USAGE}`);
    return 1;
  }
  if (args.help) {
    ctx.stdout.write(VALIDATE_USAGE);
    return 0;
  }
  const loaded = await loadDesiredState(fsSource(ctx.cwd), { today: ctx.today });
  const { desired } = loaded;
  const problems = [...loaded.problems];
  if (args.base !== void 0 && desired !== void 0) {
    const base = await loadDesiredState(gitSource(ctx.cwd, args.base), { today: ctx.today });
    if (base.desired !== void 0) problems.push(...accountsRemovedSinceBase(desired, base.desired));
  }
  ctx.stdout.write(renderProblems(problems, args.format, { color: isColorWanted(ctx.stdout, ctx.env) }));
  const counts = desired && { users: desired.users.size, accounts: desired.accounts.size };
  ctx.stderr.write(`${renderValidationSummary(problems, counts)}
`);
  return hasErrors(problems) ? 1 : 0;
};
function parseValidateArgs(args) {
  let format = "text";
  let help = false;
  let base;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--help" || arg === "-h") {
      help = true;
    } else if (arg === "--json") {
      format = "json";
    } else if (arg === "--base" || arg.startsWith("--base=")) {
      const value = arg === "--base" ? args[++i] : arg.slice("--base=".length);
      if (value === void 0 || value === "") return { error: "--base needs a git ref, for example origin/main" };
      base = value;
    } else if (arg === "--format" || arg.startsWith("--format=")) {
      const value = arg === "--format" ? args[++i] : arg.slice("--format=".length);
      if (value === void 0) return { error: "--format needs a value: text, github or json" };
      if (!isFormat(value)) return { error: `unknown format "${value}"; use text, github or json` };
      format = value;
    } else {
      return { error: `unknown argument "${arg}"` };
    }
  }
  return base === void 0 ? { format, help } : { format, help, base };
}
function isFormat(value) {
  return PROBLEM_FORMATS.includes(value);
}
export {
  VALIDATE_USAGE,
  parseValidateArgs,
  validate
};
