/*
 * List continue tokens, encoded like the apiserver's etcd3 storage:
 * base64url (no padding) of {"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}.
 */
import { badRequest } from '../api/errors';

/** A decoded continue token. */
export interface ContinueToken {
  rv: number;
  /** The key to start from (inclusive). */
  start: string;
}

/** Encodes the token for "continue after `lastKey`". */
export function encodeContinue(rv: number, lastKey: string): string {
  const json = JSON.stringify({
    v: 'meta.k8s.io/v1',
    rv,
    start: `${lastKey}\u0000`,
  });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Encodes a token that starts exactly at `start` (used for the 410 response). */
export function encodeContinueAt(rv: number, start: string): string {
  const json = JSON.stringify({ v: 'meta.k8s.io/v1', rv, start });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** How Go's json scanner quotes an unexpected byte. */
function goQuoteByte(byte: number): string {
  if (byte >= 0x20 && byte < 0x7f) {
    const ch = String.fromCharCode(byte);
    return `'${ch === "'" || ch === '\\' ? `\\${ch}` : ch}'`;
  }
  return `'\\u${byte.toString(16).padStart(4, '0')}'`;
}

function invalid(reason: string): never {
  throw badRequest(
    `invalid continue token: continue key is not valid: ${reason}`,
  );
}

/**
 * Decodes a continue token.
 *
 * @throws ApiError 400 for a malformed token
 */
export function decodeContinue(token: string): ContinueToken {
  const badIndex = token.search(/[^A-Za-z0-9_-]/);
  if (badIndex >= 0 || token.length % 4 === 1) {
    invalid(
      `illegal base64 data at input byte ${
        badIndex >= 0 ? badIndex : token.length - 1
      }`,
    );
  }
  const bytes = Buffer.from(token, 'base64url');
  const first = bytes.find(b => ![0x20, 0x09, 0x0a, 0x0d].includes(b));
  if (first === undefined) {
    invalid('unexpected end of JSON input');
  }
  let parsed: any;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    if (first !== 0x7b) {
      invalid(
        `invalid character ${goQuoteByte(
          first,
        )} looking for beginning of value`,
      );
    }
    invalid('invalid JSON');
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    parsed.v !== 'meta.k8s.io/v1'
  ) {
    invalid('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof parsed.rv !== 'number' || !Number.isInteger(parsed.rv)) {
    invalid('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof parsed.start !== 'string' || !parsed.start.length) {
    invalid('encoded start key empty');
  }
  if (parsed.start.startsWith('/') || parsed.start.includes('..')) {
    invalid('path traversal attempt detected');
  }
  return { rv: parsed.rv, start: parsed.start };
}
