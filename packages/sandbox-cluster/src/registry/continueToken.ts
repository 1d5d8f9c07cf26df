/*
 * List continue tokens, encoded like the apiserver's etcd3 storage:
 * base64url (no padding) of {"v":"meta.k8s.io/v1","rv":N,"start":"<key>"}.
 */
import { badRequest } from '../api/errors';

/** A decoded continue token: the snapshot's resourceVersion and the key to start from. */
export interface ContinueToken {
  rv: number;
  start: string;
}

/** Encodes a token starting at `start` (the last key returned plus `\u0000`). */
export function encodeContinue(rv: number, start: string): string {
  const json = JSON.stringify({ v: 'meta.k8s.io/v1', rv, start });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Decodes a continue token. @throws ApiError 400 for a malformed token */
export function decodeContinue(token: string): ContinueToken {
  let parsed: any;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    parsed?.v !== 'meta.k8s.io/v1' ||
    !Number.isInteger(parsed.rv) ||
    typeof parsed.start !== 'string' ||
    !parsed.start
  ) {
    throw badRequest(
      'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  return { rv: parsed.rv, start: parsed.start };
}
