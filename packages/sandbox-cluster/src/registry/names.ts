/*
 * Name generation (k8s.io/apiserver/pkg/storage/names) and uids.
 */
import { randomInt, randomUUID } from 'node:crypto';

/** The alphabet of utilrand.String: no vowels, no confusable characters. */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Maximum length of a generated name (and of the `job-name` label). */
const MAX_NAME_LENGTH = 63;
const RANDOM_LENGTH = 5;

/** Five random characters, like the suffix of a generated name. */
export function randomSuffix(length = RANDOM_LENGTH): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += ALPHABET[randomInt(ALPHABET.length)];
  }
  return out;
}

/**
 * `generateName` + 5 random characters; the prefix is cut to 58 characters
 * so the result fits in 63.
 */
export function generateName(prefix: string): string {
  const base = prefix.slice(0, MAX_NAME_LENGTH - RANDOM_LENGTH);
  return `${base}${randomSuffix()}`;
}

/** A new object uid. */
export function newUid(): string {
  return randomUUID();
}
