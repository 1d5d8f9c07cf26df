/*
 * JSON parsing with Go-style error messages, since the apiserver's 400s quote
 * encoding/json ("unexpected end of JSON input", "invalid character ...").
 */

/** Result of parsing a request body. */
export type ParseResult =
  | { ok: true; value: unknown }
  | { ok: false; error: string };

function quoteChar(ch: string): string {
  if (ch === "'" || ch === '\\') {
    return `'\\${ch}'`;
  }
  const code = ch.charCodeAt(0);
  if (code < 0x20 || code >= 0x7f) {
    return `'\\u${code.toString(16).padStart(4, '0')}'`;
  }
  return `'${ch}'`;
}

/** Translates a V8 JSON.parse error into encoding/json's wording. */
function goJsonError(text: string, error: Error): string {
  const message = error.message;
  if (/end of JSON input|Unterminated string/i.test(message)) {
    return 'unexpected end of JSON input';
  }
  const position = /position (\d+)/.exec(message);
  let index = position ? Number(position[1]) : -1;
  if (index < 0) {
    const token = /Unexpected token '(.)'/.exec(message);
    index = token ? text.indexOf(token[1]) : -1;
  }
  if (index < 0 || index >= text.length) {
    return 'unexpected end of JSON input';
  }
  const ch = quoteChar(text[index]);
  if (/property name/.test(message)) {
    return `invalid character ${ch} looking for beginning of object key string`;
  }
  if (/after property value/.test(message)) {
    return `invalid character ${ch} after object key:value pair`;
  }
  if (/after array element/.test(message)) {
    return `invalid character ${ch} after array element`;
  }
  if (/after JSON/.test(message)) {
    return `invalid character ${ch} after top-level value`;
  }
  return `invalid character ${ch} looking for beginning of value`;
}

/** Parses JSON text; on failure returns the Go-style error message. */
export function parseJson(text: string): ParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: goJsonError(text, e as Error) };
  }
}
