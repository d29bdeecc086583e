/**
 * What a password must be (issue 20): at least 12 characters and not guessable — zxcvbn's estimate (zxcvbn-ts with
 * its common-password, name and keyboard-pattern dictionaries) must reach "safely unguessable" (score 3, about 10^8
 * guesses), which refuses `aaaaaaaaaaaa`, `password1234`, `qwertyuiop12` and their kin. Checked wherever a password
 * is set: a new user, a password change, `ADMIN_PASSWORD`.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 12;
const MIN_SCORE = 3;

let scorer: ZxcvbnFactory | null = null;
/** Built on first use: the dictionaries take a moment to index. */
function zxcvbn(): ZxcvbnFactory {
  scorer ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return scorer;
}

/** Why `password` is refused, or null. `userInputs` (the e-mail) count as guessable words too. */
export function passwordProblem(password: string, userInputs: string[] = []): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  const result = zxcvbn().check(password, userInputs);
  if (result.score >= MIN_SCORE) return null;
  const hint = result.feedback.warning ? ` (${result.feedback.warning.replace(/\.$/, '').toLowerCase()})` : '';
  return `is too easy to guess${hint}: use a longer phrase of unrelated words`;
}
