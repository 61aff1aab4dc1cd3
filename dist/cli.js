#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  isAppError
} from "./chunks/chunk-V6YHCYFW.js";
import "./chunks/chunk-6DG7BXTN.js";

// src/cli/main.ts
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
var COMMANDS = {
  validate: {
    run: async (ctx) => (await import("./chunks/validate-VUDPH66D.js")).validate(ctx),
    about: "check every data file against the schemas and cross-file rules"
  },
  plan: {
    run: async (ctx) => (await import("./chunks/plan-UYG3KSJE.js")).plan(ctx),
    about: "show what apply would change (local sandbox unless --target aws or --base REF)"
  },
  apply: {
    run: async (ctx) => (await import("./chunks/plan-UYG3KSJE.js")).apply(ctx),
    about: "make the target match the files (local sandbox unless --target aws)"
  },
  policies: {
    run: async (ctx) => (await import("./chunks/policies-7IZHQ7E6.js")).policies(ctx),
    about: "print the IAM policies to set up the GitHub OIDC roles, from settings.yaml"
  },
  "pr-comment": {
    run: async (ctx) => (await import("./chunks/github-S54DJDXR.js")).prComment(ctx),
    about: "(CI) create or update the sticky plan comment on a pull request"
  },
  "apply-report": {
    run: async (ctx) => (await import("./chunks/github-S54DJDXR.js")).applyReport(ctx),
    about: "(CI) report an apply's outcome on the merged pull request"
  },
  "drift-report": {
    run: async (ctx) => (await import("./chunks/github-S54DJDXR.js")).driftReport(ctx),
    about: "(CI) open, update or close the drift issue from a plan"
  }
};
function usage() {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.about}`);
  return `usage: npm run <command> -- [options]   (or: node dist/cli.js <command> [options])

commands:
${lines.join("\n")}

Run a command with --help for its options.
`;
}
async function runCli(name, ctx) {
  if (name === void 0 || name === "--help" || name === "-h" || name === "help") {
    ctx.stdout.write(usage());
    return name === void 0 ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.stderr.write(`unknown command "${name}"

${usage()}`);
    return 1;
  }
  try {
    return await command.run(ctx);
  } catch (error) {
    if (isAppError(error)) {
      ctx.stderr.write(`error: ${error.message}
${error.hint ? `  ${error.hint}
` : ""}`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      ctx.stderr.write(`unexpected error: ${message}
  This is a bug; please report it with the command you ran.
`);
      if (ctx.env["DEBUG"] && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}
`);
    }
    return 1;
  }
}
function isMain() {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (isMain()) {
  const [name, ...args] = process.argv.slice(2);
  const ctx = {
    args,
    cwd: process.cwd(),
    env: process.env,
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    today: (/* @__PURE__ */ new Date()).toISOString().slice(0, 10)
  };
  process.exitCode = await runCli(name, ctx);
}
export {
  runCli,
  usage
};
