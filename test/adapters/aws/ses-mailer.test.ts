import { MessageRejected, SESClient, SendEmailCommand, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../src/adapters/aws/ses-mailer.ts';
import { awsSettings, fakeClient, motoClient, useMoto } from '../../support/aws.ts';
import { rejectionOf } from '../../support/errors.ts';
import { motoEnv } from '../../support/moto.ts';

const settings = awsSettings({ email: { sender: 'aws-access@example.gov.uk' } });
const welcome = {
  to: ['alice@example.gov.uk'],
  subject: 'Your AWS user',
  body: 'User name: alice@example.gov.uk\nTemporary password: Pässword-with-ünïcode-1\n',
};

describe('against moto', () => {
  const moto = useMoto({ reset: true });
  let ses: SESClient;

  beforeAll(() => {
    ses = motoClient(SESClient, moto.url, { region: settings.email.region });
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

    const error = await rejectionOf(mailer.send(welcome));

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
    const { client, fake } = fakeClient(SESClient);
    fake.on(SendEmailCommand).rejects(
      new MessageRejected({
        message: 'Email address is not verified. The following identities failed the check in region EU-WEST-2: alice@example.gov.uk',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const error = await rejectionOf(createSesMailer(settings, {}, { client }).send(welcome));

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

  it('a read-mode mailer (plan) sends nothing', async () => {
    const { client, fake } = fakeClient(SESClient);
    const error = await rejectionOf(createSesMailer(settings, {}, { client, access: 'read' }).send(welcome));
    expect(error.code).toBe('read-only-target');
    expect(error.message).not.toContain('Temporary password');
    expect(fake.commandCalls(SendEmailCommand)).toEqual([]);
  });
});
