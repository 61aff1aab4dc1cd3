#!/usr/bin/env node
// `npx aws-access plan --target aws`: the CLI with its options as typed (no `--` needed, unlike
// npm run). It runs the TypeScript sources through tsx, installed by `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { runFromProcess } = await import('../src/cli/main.ts');
await runFromProcess();
