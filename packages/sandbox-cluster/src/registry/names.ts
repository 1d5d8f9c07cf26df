/*
 * Name generation (k8s.io/apiserver/pkg/storage/names): `generateName` plus five characters of
 * utilrand's alphabet (no vowels, no confusable characters), the prefix cut so the result fits
 * in 63 characters.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A name from a generateName prefix. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += ALPHABET[randomInt(ALPHABET.length)];
  }
  return `${prefix.slice(0, 58)}${suffix}`;
}
