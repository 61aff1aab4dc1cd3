/** Sending email (SES, or .eml files in the sandbox outbox). Throws AppError. */
export interface EmailMessage {
  to: readonly string[];
  subject: string;
  /** Plain text. May carry a temporary password: never log or print a message body. */
  body: string;
}

export interface MailerPort {
  send(message: EmailMessage): Promise<void>;
}
