import { describe, expect, it } from 'vitest';
import { generatePassword } from '../../src/apply/password.ts';
import { desiredPasswordPolicy } from '../../src/core/baseline.ts';
import { someSettings } from '../support/builders.ts';

describe('generatePassword', () => {
  it('is at least 20 characters, or the policy minimum when longer, capped at 128', () => {
    expect(generatePassword({ minimumLength: 8 })).toHaveLength(20);
    expect(generatePassword({ minimumLength: 40 })).toHaveLength(40);
    expect(generatePassword({ minimumLength: 500 })).toHaveLength(128);
  });

  it('always has an upper-case letter, a lower-case letter, a digit and a symbol', () => {
    for (let i = 0; i < 500; i += 1) {
      const password = generatePassword({ minimumLength: 16 });
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^A-Za-z0-9]/);
      expect(password).toMatch(/^[\x21-\x7e]+$/);
    }
  });

  it('satisfies the strictest policy the settings can ask for', () => {
    const policy = desiredPasswordPolicy(
      someSettings({
        users_account: {
          ...someSettings().users_account,
          password_policy: { minimum_length: 32, require_symbols: true, require_numbers: true, require_uppercase: true, require_lowercase: true },
        },
      }),
    );
    const password = generatePassword(policy);
    expect(password.length).toBeGreaterThanOrEqual(32);
  });

  it('does not repeat, and spreads the guaranteed classes over every position', () => {
    const passwords = Array.from({ length: 2000 }, () => generatePassword({ minimumLength: 20 }));
    expect(new Set(passwords).size).toBe(passwords.length);
    // With a shuffle, the first character is a digit sometimes and a letter most of the time.
    const firstIsDigit = passwords.filter((p) => /^[0-9]/.test(p)).length;
    expect(firstIsDigit).toBeGreaterThan(0);
    expect(firstIsDigit).toBeLessThan(passwords.length / 2);
  });
});
