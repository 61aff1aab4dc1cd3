import { MessageRejected, SESClient, SendEmailCommand, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../../src/adapters/aws/clients.ts';
import { createSesMailer } from '../../../src/adapters/aws/ses-mailer.ts';
import { AppError, isAppError } from '../../../src/core/errors.ts';
import type { SettingsFile } from '../../../src/core/model.ts';
import { motoEnv, startMoto, type MotoServer } from '../../support/moto.ts';

function aSettings(): SettingsFile {
  return {
    users_account: {
      id: '123456789012',
      alias: 'test-users',
      region: 'eu-west-2',
      group: 'CrossAccountAccess',
      password_policy: { minimum_length: 16 },
    },
    organization: {
      management_account_id: '210987654321',
      access_role_name: 'OrganizationAccountAccessRole',
      bootstrap_role_name: 'bootstrap',
      root_email_template: 'aws-root+{name}@example.gov.uk',
    },
    email: { sender: 'aws-access@example.gov.uk', region: 'eu-west-2', support_mailbox: 'help@example.gov.uk' },
    email_domains: { staff: ['example.gov.uk'], contractor: [] },
    protected_users: [],
    limits: { max_deletions_per_run: 5, max_closures_per_run: 1 },
  };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const settings = aSettings();
const welcome = {
  to: ['alice@example.gov.uk'],
  subject: 'Your AWS user',
  body: 'User name: alice@example.gov.uk\nTemporary password: Pässword-with-ünïcode-1\n',
};

describe('against moto', () => {
  let moto: MotoServer;
  let ses: SESClient;

  beforeAll(async () => {
    moto = await startMoto();
    ses = new SESClient(awsClientConfig('SES', { region: settings.email.region, env: motoEnv(moto.url) }));
  });
  afterAll(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
  });

  it('sends a plain-text UTF-8 email from the configured sender', async () => {
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: settings.email.sender }));
    const mailer = createSesMailer(settings, motoEnv(moto.url));

    await mailer.send(welcome);

    expect(await moto.sentEmails()).toEqual([
      expect.objectContaining({
        source: 'aws-access@example.gov.uk',
        destinations: expect.objectContaining({ ToAddresses: ['alice@example.gov.uk'] }),
        subject: 'Your AWS user',
        body: welcome.body,
      }),
    ]);
  });

  it('reports an unverified sender as email-rejected, without the body', async () => {
    const mailer = createSesMailer(settings, motoEnv(moto.url));

    const error = await rejection(mailer.send(welcome));

    expect(error.code).toBe('email-rejected');
    expect(error.fault).toBe('user');
    expect(error.hint).toMatch(/verify the sender identity/);
    expect(error.message).toContain('alice@example.gov.uk');
    expect(error.message).not.toContain('Temporary password');
    expect(await moto.sentEmails()).toEqual([]);
  });

  it('uses AWS_ENDPOINT_URL_SES over AWS_ENDPOINT_URL', async () => {
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: settings.email.sender }));
    const env = { ...motoEnv('http://127.0.0.1:9'), AWS_ENDPOINT_URL_SES: moto.url };

    await createSesMailer(settings, env).send(welcome);

    expect(await moto.sentEmails()).toHaveLength(1);
  });
});

describe('with a client-level fake', () => {
  it('maps MessageRejected (SES sandbox: unverified recipient) to email-rejected', async () => {
    const client = new SESClient({ region: 'eu-west-2' });
    const fake = mockClient(client);
    fake.on(SendEmailCommand).rejects(
      new MessageRejected({
        message: 'Email address is not verified. The following identities failed the check in region EU-WEST-2: alice@example.gov.uk',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const error = await rejection(createSesMailer(settings, {}, { client }).send(welcome));

    expect(error.code).toBe('email-rejected');
    expect(error.hint).toMatch(/sandbox/);
    expect(fake.commandCalls(SendEmailCommand)[0]?.args[0].input).toEqual({
      Source: 'aws-access@example.gov.uk',
      Destination: { ToAddresses: ['alice@example.gov.uk'] },
      Message: {
        Subject: { Data: 'Your AWS user', Charset: 'UTF-8' },
        Body: { Text: { Data: welcome.body, Charset: 'UTF-8' } },
      },
    });
  });
});
