import { passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each(['aaaaaaaa', 'short pw'])('refuses %j as too short', (password) => {
    expect(passwordProblem(password)).toBe('must be at least 12 characters');
  });

  it.each(['aaaaaaaaaaaa', 'password1234', 'qwertyuiop12', '123456789012'])('refuses the common %j', (password) => {
    expect(passwordProblem(password)).toMatch(/^is too easy to guess/);
  });

  it('counts the e-mail as a guessable word', () => {
    expect(passwordProblem('ann.lee@example.com1', ['ann.lee@example.com'])).toMatch(/^is too easy to guess/);
  });

  it.each(['correct horse battery', 'a long enough passphrase 42', 'pw-very-secret-4d2c9b'])('accepts %j', (password) => {
    expect(passwordProblem(password)).toBeNull();
  });
});
