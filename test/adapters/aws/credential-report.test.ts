/**
 * Reading IAM's credential report: waiting for generation (moto answers COMPLETE at once after the
 * first request, so the wait and the timeout are shown with a client-level fake) and reading the
 * CSV, whose empty dates are words (`N/A`, `no_information`, `not_supported`).
 */
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { parseCredentialReport, readCredentialReport } from '../../../src/adapters/aws/credential-report.ts';
import { fakeClient } from '../../support/aws.ts';
import { rejectionOf } from '../../support/errors.ts';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const CSV = [
  HEADER,
  '<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,2026-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'ada@example.gov.uk,arn:aws:iam::123456789012:user/ada@example.gov.uk,2020-02-03T10:00:00+00:00,true,2026-11-20T09:00:00+00:00,2020-02-03T10:05:00+00:00,N/A,true,true,2020-02-03T10:00:00+00:00,2026-11-01T00:00:00+00:00,eu-west-2,s3,false,2021-01-01T00:00:00+00:00,2026-11-25T00:00:00+00:00,eu-west-2,iam,false,N/A,false,N/A',
  'ci-bot,arn:aws:iam::123456789012:user/ci-bot,2021-05-05T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,true,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'new@example.gov.uk,arn:aws:iam::123456789012:user/new@example.gov.uk,2026-11-27T00:00:00+00:00,true,no_information,2026-11-27T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
].join('\n');

describe('parseCredentialReport', () => {
  it('reads one row per IAM user (not the root), each access key by slot, with dates only where AWS has them', () => {
    expect(parseCredentialReport(CSV)).toEqual([
      {
        userName: 'ada@example.gov.uk',
        createdAt: '2020-02-03T10:00:00+00:00',
        hasPassword: true,
        passwordLastUsed: '2026-11-20T09:00:00+00:00',
        passwordLastChanged: '2020-02-03T10:05:00+00:00',
        mfaActive: true,
        accessKeys: [
          { slot: 1, active: true, createdAt: '2020-02-03T10:00:00+00:00', lastUsed: '2026-11-01T00:00:00+00:00' },
          { slot: 2, active: false, createdAt: '2021-01-01T00:00:00+00:00', lastUsed: '2026-11-25T00:00:00+00:00' },
        ],
      },
      { userName: 'ci-bot', createdAt: '2021-05-05T00:00:00+00:00', hasPassword: false, mfaActive: false, accessKeys: [{ slot: 2, active: true }] },
      {
        userName: 'new@example.gov.uk',
        createdAt: '2026-11-27T00:00:00+00:00',
        hasPassword: true,
        passwordLastChanged: '2026-11-27T00:00:00+00:00',
        mfaActive: false,
        accessKeys: [],
      },
    ]);
  });
});

describe('readCredentialReport', () => {
  it('waits while IAM generates the report, then reads it', async () => {
    const { client, fake } = fakeClient(IAMClient);
    fake.on(GenerateCredentialReportCommand).resolvesOnce({ State: 'STARTED' }).resolvesOnce({ State: 'INPROGRESS' }).resolves({ State: 'COMPLETE' });
    fake.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(CSV) });
    const sleeps: number[] = [];
    const rows = await readCredentialReport(client, async (ms) => void sleeps.push(ms));
    expect(rows.map((r) => r.userName)).toEqual(['ada@example.gov.uk', 'ci-bot', 'new@example.gov.uk']);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('gives up after a minute with a clear error', async () => {
    const { client, fake } = fakeClient(IAMClient);
    fake.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    let waited = 0;
    const error = await rejectionOf(readCredentialReport(client, async (ms) => void (waited += ms)));
    expect(error.code).toBe('credential-report-timeout');
    expect(waited).toBeGreaterThanOrEqual(60_000);
    expect(waited).toBeLessThan(70_000);
  });
});
