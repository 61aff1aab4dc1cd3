/** Undoing IAM's URL encoding of policy documents, for every AWS adapter. */
import { describe, expect, it } from 'vitest';
import { decodePolicyDocument } from '../../../src/adapters/aws/policy-document.ts';
import { AppError } from '../../../src/core/errors.ts';

const policy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringLike: { 'aws:userid': '* %&+= é/?#' } } }],
};

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('decodePolicyDocument', () => {
  it('decodes URL-encoded JSON (as IAM returns it) and plain JSON alike', () => {
    expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(policy)), 'test policy')).toEqual(policy);
    // Plain JSON only when it has no `%` of its own: IAM always encodes, so that is all the leniency needed.
    const plain = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] };
    expect(decodePolicyDocument(JSON.stringify(plain), 'test policy')).toEqual(plain);
  });

  it.each([
    ['not JSON', '%7Bnot json', /inline policy x of group G as something that is not URL-encoded JSON/],
    ['a broken %-escape', '%E0%A4%A', /inline policy x of group G as something that is not URL-encoded JSON/],
    ['not an object', encodeURIComponent('[1,2]'), /inline policy x of group G as JSON that is not an object/],
    ['null', 'null', /inline policy x of group G as JSON that is not an object/],
  ])('refuses a document that is %s, with code bad-policy-document naming what it read', (_name, text, message) => {
    const error = errorOf(() => decodePolicyDocument(text, 'inline policy x of group G'));
    expect(error.code).toBe('bad-policy-document');
    expect(error.fault).toBe('system');
    expect(error.message).toMatch(message);
  });

  it('keeps the SyntaxError or URIError as the cause, never throws it raw', () => {
    expect(errorOf(() => decodePolicyDocument('%7Bnot json', 'p')).cause).toBeInstanceOf(SyntaxError);
    expect(errorOf(() => decodePolicyDocument('%E0%A4%A', 'p')).cause).toBeInstanceOf(URIError);
  });
});
