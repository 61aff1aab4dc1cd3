/**
 * Email through Amazon SES (v1 SendEmail). Throttling ("Maximum sending rate exceeded") is retried
 * by the SDK's standard retry mode; MessageRejected (unverified sender, or an unverified recipient
 * while the account is in the SES sandbox) is permanent and reported as `email-rejected`.
 */
import { SESClient, SendEmailCommand, type SESClientConfig } from '@aws-sdk/client-ses';
import type { SettingsFile } from '../../core/model.ts';
import type { EmailMessage, MailerPort } from '../../ports/mailer.ts';
import { translateAwsError, withEndpointInErrors } from './errors.ts';
import { AppError } from '../../core/errors.ts';
import { awsClientConfig, type AwsAccess, type Env } from './clients.ts';

export interface SesMailerOptions {
  /** A ready client (a fake); otherwise built from settings and env. */
  client?: SESClient;
  /** `read` (plan): the mailer refuses to send, before any SES call. Default `write`. */
  access?: AwsAccess;
}

export function createSesClient(settings: SettingsFile, env: Env, extra: Partial<SESClientConfig> = {}): SESClient {
  // No role_to_assume: the sender identity lives in the account of the caller's own credentials.
  return withEndpointInErrors(new SESClient({ ...awsClientConfig('SES', { region: settings.email.region, env }), ...extra }));
}

export function createSesMailer(settings: SettingsFile, env: Env = process.env, options: SesMailerOptions = {}): MailerPort {
  const client = options.client ?? createSesClient(settings, env);
  const source = settings.email.sender;
  const access = options.access ?? 'write';
  return {
    async send(message: EmailMessage): Promise<void> {
      if (access === 'read') {
        throw new AppError('read-only-target', `Not sending "${message.subject}": this AWS target only reads (plan).`);
      }
      try {
        await client.send(
          new SendEmailCommand({
            Source: source,
            Destination: { ToAddresses: [...message.to] },
            Message: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.body, Charset: 'UTF-8' } },
            },
          }),
        );
      } catch (error) {
        // The context names recipients and subject only: the body may carry a temporary password.
        throw translateAwsError(error, `SES SendEmail "${message.subject}" from ${source} to ${message.to.join(', ')}`);
      }
    },
  };
}
