/**
 * Email through Amazon SES (v1 SendEmail). SendEmail is not idempotent: an attempt whose answer was
 * lost (a reset connection, a timeout, a 5xx) may have sent the mail, and sending it again would
 * deliver it twice. So the client makes one attempt, and only throttling ("Maximum sending rate
 * exceeded", which SES says to retry: https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html)
 * is retried here, with back-off: a refused request was not sent. Any other failure is reported and
 * the notice stays owed (its tag is written only after the email), so a later run sends it.
 * MessageRejected (unverified sender, or an unverified recipient while the account is in the SES
 * sandbox) is permanent and reported as `email-rejected`.
 */
import { SESClient, SendEmailCommand, type SESClientConfig } from '@aws-sdk/client-ses';
import type { SettingsFile } from '../../core/model.ts';
import type { EmailMessage, MailerPort } from '../../ports/mailer.ts';
import { realSleep, translateAwsError, withEndpointInErrors, withRetry, type Sleep } from './errors.ts';
import { AppError } from '../../core/errors.ts';
import { awsClientConfig, type AwsAccess, type Env } from './clients.ts';

export interface SesMailerOptions {
  /** A ready client (a fake); otherwise built from settings and env. */
  client?: SESClient;
  /** `read` (plan): the mailer refuses to send, before any SES call. Default `write`. */
  access?: AwsAccess;
  /** Back-off sleep between throttled attempts (tests pass a quick one). */
  sleep?: Sleep;
}

/** Attempts of a throttled SendEmail: with 1 s doubling up to 16 s, about half a minute in all. */
const THROTTLED_ATTEMPTS = 6;

export function createSesClient(settings: SettingsFile, env: Env, extra: Partial<SESClientConfig> = {}): SESClient {
  // No role_to_assume: the sender identity lives in the account of the caller's own credentials.
  // maxAttempts 1: no blind retry of a send whose answer was lost (see above).
  return withEndpointInErrors(new SESClient({ ...awsClientConfig('SES', { region: settings.email.region, env }), maxAttempts: 1, ...extra }));
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
        await withRetry(() => client.send(
          new SendEmailCommand({
            Source: source,
            Destination: { ToAddresses: [...message.to] },
            Message: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.body, Charset: 'UTF-8' } },
            },
          }),
        ), { codes: ['Throttling'], attempts: THROTTLED_ATTEMPTS, sleep: options.sleep ?? realSleep, baseDelayMs: 1000, maxDelayMs: 16_000 });
      } catch (error) {
        // The context names recipients and subject only: the body may carry a temporary password.
        throw translateAwsError(error, `SES SendEmail "${message.subject}" from ${source} to ${message.to.join(', ')}`);
      }
    },
  };
}
