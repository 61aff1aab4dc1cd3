/**
 * Policy documents as IAM returns them. GetAccountAuthorizationDetails, GetRole and the other reads
 * give the JSON URL-encoded (RFC 3986), and the AWS SDK for JavaScript v3 does not decode it
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html; aws/aws-sdk-js-v3#1945). One decoder for every AWS adapter, so a document IAM
 * garbles is reported the same way wherever it is read.
 */
import { AppError } from '../../core/errors.ts';
import type { PolicyDocument } from '../../core/model.ts';

/**
 * The parsed document. Plain (not encoded) JSON without a `%` of its own is accepted too, since
 * decoding leaves it as it is. Throws AppError `bad-policy-document` naming `what` (e.g. `inline policy x of
 * group y`; name it wherever the caller knows) when the text is not URL-encoded JSON or not a JSON
 * object.
 */
export function decodePolicyDocument(encoded: string, what: string): PolicyDocument {
  let document: unknown;
  try {
    document = JSON.parse(decodeURIComponent(encoded));
  } catch (cause) {
    // URIError for a broken %-escape, SyntaxError for broken JSON: neither should escape raw.
    throw new AppError('bad-policy-document', `IAM returned the ${what} as something that is not URL-encoded JSON.`, { cause });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new AppError('bad-policy-document', `IAM returned the ${what} as JSON that is not an object.`);
  }
  return document as PolicyDocument;
}
