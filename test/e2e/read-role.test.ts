/**
 * End to end against moto: `plan --target aws` assumes only the read roles settings.yaml names
 * (organization.read_role_to_assume, users_account.read_role_to_assume) and reaches member accounts
 * from them; `apply --target aws` assumes only role_to_assume. moto's AssumeRole succeeds for any
 * role, so a loopback proxy in front of moto records every STS AssumeRole: which role, and which
 * session asked for it (by the access key that signed the request).
 */
import { createServer, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAwsE2e } from '../support/e2e.ts';
import { editFile, MANAGEMENT_ACCOUNT, RECONCILER_ROLE, replaceOnce, runCommand, USERS_ACCOUNT, type RunResult } from './support.ts';

const WRITER = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/writer`;
const READER = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/reader`;
const USERS_READER = `arn:aws:iam::${USERS_ACCOUNT}:role/users-reader`;
/** The session of the CLI's own credentials (motoEnv's dummy access key). */
const BASE = 'base credentials';

interface AssumeRoleCall {
  roleArn: string;
  /** The role whose session signed the request, or BASE. */
  by: string;
}

interface StsRecorder {
  url: string;
  calls: AssumeRoleCall[];
  stop(): Promise<void>;
}

/** A loopback proxy to moto that records every AssumeRole, and which role's session made it. */
async function startStsRecorder(target: string): Promise<StsRecorder> {
  const upstream = new URL(target);
  const calls: AssumeRoleCall[] = [];
  /** Access key id of each assumed session → the role it is. */
  const roleOfKey = new Map<string, string>([['testing', BASE]]);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString());
      const isAssumeRole = form.get('Action') === 'AssumeRole';
      const key = /Credential=([^/]+)\//.exec(String(req.headers['authorization'] ?? ''))?.[1] ?? '';
      const roleArn = form.get('RoleArn') ?? '';
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        const answerChunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => answerChunks.push(c));
        answer.on('end', () => {
          const raw = Buffer.concat(answerChunks);
          if (isAssumeRole) {
            calls.push({ roleArn, by: roleOfKey.get(key) ?? `unknown key ${key}` });
            const text = (answer.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString();
            const issued = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(text)?.[1];
            if (issued !== undefined) roleOfKey.set(issued, roleArn);
          }
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.end(raw);
        });
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, calls, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const e2e = useAwsE2e();
let sts: StsRecorder;

beforeAll(async () => {
  sts = await startStsRecorder(e2e.moto.url);
  // prepareRepo names RECONCILER_ROLE as users_account.role_to_assume; add the read roles and an organization writer.
  await editFile(e2e.repo, 'settings.yaml', (text) =>
    replaceOnce(
      replaceOnce(text, /^( {2}role_to_assume: .*\n)/m, `$1  read_role_to_assume: ${USERS_READER}\n`),
      /^( {2}management_account_id: .*\n)/m,
      `$1  role_to_assume: ${WRITER}\n  read_role_to_assume: ${READER}\n  reader_role_name: aws-access-as-code-reader\n  reader_trusted_role_arns: ["${READER}"]\n`,
    ),
  );
});

afterAll(async () => {
  await sts?.stop();
});

async function recorded(command: 'plan' | 'apply'): Promise<{ result: RunResult; calls: AssumeRoleCall[] }> {
  sts.calls.length = 0;
  const result = await runCommand(e2e.repo, { ...e2e.env, AWS_ENDPOINT_URL: sts.url }, command, '--target', 'aws');
  return { result, calls: [...sts.calls] };
}

/** Roles assumed straight from the CLI's own credentials. */
const fromBase = (calls: AssumeRoleCall[]): string[] => [...new Set(calls.filter((c) => c.by === BASE).map((c) => c.roleArn))].sort();

describe('read roles: plan reads through them, apply writes through role_to_assume', () => {
  it('plan assumes only the read roles', async () => {
    const { result, calls } = await recorded('plan');
    expect(result.code, result.stderr).toBe(0);
    expect(fromBase(calls)).toEqual([READER, USERS_READER].sort());
    expect(calls.every((c) => c.by === BASE)).toBe(true);
  });

  it('apply assumes only role_to_assume, and reaches new member accounts through the writer', async () => {
    const { result, calls } = await recorded('apply');
    expect(result.code, result.combined).toBe(0);
    expect(fromBase(calls)).toEqual([RECONCILER_ROLE, WRITER].sort());
    const member = calls.filter((c) => c.by !== BASE);
    expect(member.length).toBeGreaterThan(0);
    expect(member.every((c) => c.by === WRITER && /^arn:aws:iam::\d{12}:role\/OrganizationAccountAccessRole$/.test(c.roleArn))).toBe(true);
    // A whole apply (identity checks and the lock included) on a loaded machine can take over 30 s.
  }, 120_000);

  it('plan reaches member accounts from the read role, never from the writer', async () => {
    const { result, calls } = await recorded('plan');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('No changes.');
    expect(fromBase(calls)).toEqual([READER, USERS_READER].sort());
    const member = calls.filter((c) => c.by !== BASE);
    expect(member.length).toBeGreaterThan(0);
    expect(member.every((c) => c.by === READER && c.roleArn.endsWith(':role/aws-access-as-code-reader'))).toBe(true);
    expect(calls.map((c) => c.roleArn)).not.toContain(WRITER);
    expect(calls.map((c) => c.roleArn)).not.toContain(RECONCILER_ROLE);
  });
});
